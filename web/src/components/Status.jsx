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

// The 401 answer of a page of pupil records: the server's message (or
// `fallback`), why a login is needed, and a link back here (`next`) after it.
export function LoginNeeded({ title, message, fallback, why, next }) {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <div class="problem" role="alert" data-testid="login-needed">
        <p>
          <strong>{capitalise(message) || fallback}.</strong>
        </p>
        <p>{why}</p>
      </div>
      <p>
        <a class="button" href={`#/login?next=${encodeURIComponent(next)}`}>
          Log in
        </a>
      </p>
    </>
  );
}
