import { useEffect, useRef, useState } from 'preact/hooks';
import { api, RETRY_MS } from '../api.js';
import { schoolName } from '../format.jsx';

const DEBOUNCE_MS = 250;
const LIMIT = 20;

// Find: every word typed must match the school's name, URN, LA or trust.
// Results come in the order the server holds them (URN order): never ranked.
export function FindPage({ query: initial }) {
  const [q, setQ] = useState(initial);
  const [state, setState] = useState({ status: 'idle', results: [], error: '', searched: '' });
  const timer = useRef(null);
  const controller = useRef(null);

  useEffect(() => {
    document.title = 'Find a school, trust or local authority – Lantern';
  }, []);

  const search = (text) => {
    if (controller.current) controller.current.abort();
    if (timer.current) clearTimeout(timer.current);
    const query = text.trim();
    // Keep the query in the address, so Back returns to these results.
    const target = query ? `#/?q=${encodeURIComponent(query)}` : '#/';
    if (window.location.hash !== target && (window.location.hash.startsWith('#/?') || window.location.hash === '#/' || window.location.hash === '')) {
      history.replaceState(null, '', target);
    }
    if (!query) {
      setState({ status: 'idle', results: [], error: '', searched: '' });
      return;
    }
    setState((s) => ({ ...s, status: 'loading' }));
    timer.current = setTimeout(async () => {
      const c = new AbortController();
      controller.current = c;
      const r = await api(`/api/v1/schools?q=${encodeURIComponent(query)}&limit=${LIMIT}`, { signal: c.signal });
      if (r.aborted) return;
      if (r.status === 503) {
        setState({ status: 'waiting', results: [], error: r.error, searched: query });
        timer.current = setTimeout(() => search(text), RETRY_MS);
        return;
      }
      if (!r.ok) {
        setState({ status: 'error', results: [], error: r.error, searched: query });
        return;
      }
      const results = r.data && Array.isArray(r.data.results) ? r.data.results : [];
      setState({ status: 'done', results, error: '', searched: query });
    }, DEBOUNCE_MS);
  };

  useEffect(() => {
    if (initial) search(initial);
    return () => {
      if (timer.current) clearTimeout(timer.current);
      if (controller.current) controller.current.abort();
    };
  }, []);

  const { status, results, error, searched } = state;
  const las = new Map();
  const trusts = new Map();
  for (const s of results) {
    if (s.la_code !== undefined && s.la_code !== null && s.la_code !== '' && !las.has(String(s.la_code))) las.set(String(s.la_code), s.la_name || `LA ${s.la_code}`);
    if (s.trust_id && !trusts.has(s.trust_id)) trusts.set(s.trust_id, s.trust_name || s.trust_id);
  }

  let statusText = '';
  if (status === 'loading') statusText = 'Searching…';
  else if (status === 'waiting') statusText = `${error} Trying again…`;
  else if (status === 'done') {
    statusText =
      results.length === 0
        ? `No school matches “${searched}”.`
        : results.length >= LIMIT
          ? `The first ${results.length} schools that match “${searched}”, in URN order. Add a word to narrow the search.`
          : `${results.length} ${results.length === 1 ? 'school matches' : 'schools match'} “${searched}”, in URN order.`;
  }

  return (
    <>
      <h1 tabIndex={-1}>Find a school, trust or local authority</h1>
      <p class="lede">
        Each school’s Inclusion and Participation Scorecard sets its figures beside schools in similar contexts, its local authority and England,
        with their uncertainty. It is a mirror for asking good questions, not a league table.
      </p>
      <form
        class="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          search(q);
        }}
      >
        <label for="find-q" class="label">
          Find a school, trust or local authority
        </label>
        <p id="find-hint" class="hint">
          Type a school’s name or URN, a local authority’s name or code, or a trust’s name or id. Every word must match.
        </p>
        <div class="search-row">
          <input
            id="find-q"
            type="search"
            name="q"
            value={q}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="find-hint"
            aria-controls="find-results"
            onInput={(e) => {
              setQ(e.currentTarget.value);
              search(e.currentTarget.value);
            }}
          />
          <button type="submit" class="button">
            Search
          </button>
        </div>
      </form>
      <p class="status" role="status" aria-live="polite" data-testid="search-status">
        {statusText}
      </p>
      {status === 'error' ? (
        <p class="error-text" role="alert">
          {error}
        </p>
      ) : null}
      <div id="find-results">
        {results.length > 0 ? (
          <>
            {las.size > 0 || trusts.size > 0 ? (
              <>
                <h2>Local authorities and trusts of these schools</h2>
                <ul class="area-links" data-testid="area-links">
                  {[...las.entries()].map(([code, name]) => (
                    <li key={`la${code}`}>
                      <a href={`#/la/${encodeURIComponent(code)}`}>
                        {name} <span class="muted">(local authority {code})</span>
                      </a>
                    </li>
                  ))}
                  {[...trusts.entries()].map(([id, name]) => (
                    <li key={`t${id}`}>
                      <a href={`#/trust/${encodeURIComponent(id)}`}>
                        {name} <span class="muted">(trust {id})</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            <h2>Schools</h2>
            <ul class="results" data-testid="results">
              {results.map((s) => (
                <li key={s.urn} data-urn={s.urn}>
                  <a class="result-name" href={`#/school/${encodeURIComponent(s.urn)}`}>
                    {schoolName(s)}
                  </a>
                  <dl class="facts inline">
                    <div>
                      <dt>URN</dt>
                      <dd data-field="urn">{s.urn}</dd>
                    </div>
                    {s.phase ? (
                      <div>
                        <dt>Phase</dt>
                        <dd data-field="phase">{s.phase}</dd>
                      </div>
                    ) : null}
                    {s.la_name || s.la_code ? (
                      <div>
                        <dt>Local authority</dt>
                        <dd data-field="la">
                          {s.la_code !== undefined && s.la_code !== null && s.la_code !== '' ? (
                            <a href={`#/la/${encodeURIComponent(s.la_code)}`}>{s.la_name || `LA ${s.la_code}`}</a>
                          ) : (
                            s.la_name
                          )}
                        </dd>
                      </div>
                    ) : null}
                    <div>
                      <dt>Trust</dt>
                      <dd data-field="trust">
                        {s.trust_id ? <a href={`#/trust/${encodeURIComponent(s.trust_id)}`}>{s.trust_name || s.trust_id}</a> : 'None (not in a trust)'}
                      </dd>
                    </div>
                  </dl>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </>
  );
}
