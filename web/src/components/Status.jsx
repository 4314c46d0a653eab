import { capitalise } from '../format.jsx';

// Loading: while the server computes (503) its message is shown, and the
// request is tried again every 3 s.
export function Loading({ what, message }) {
  return (
    <p class="status loading" role="status" aria-live="polite" data-testid="loading">
      {message ? `${capitalise(String(message).replace(/[.\s]+$/, ''))}. Trying again in 3 seconds…` : `Loading ${what}…`}
    </p>
  );
}

// A failed request: the server's own message.
export function Problem({ status, message }) {
  return (
    <div class="problem" role="alert" data-testid="problem">
      <p>
        <strong>{capitalise(message) || 'Something went wrong.'}</strong>
        {status ? <span class="muted"> (status {status})</span> : null}
      </p>
      <p>
        <a href="#/">Find a school, trust or local authority</a>
      </p>
    </div>
  );
}
