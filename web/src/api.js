// Talking to `lantern serve`: same-origin JSON under /api/v1, the session
// cookie (HttpOnly, set by the server) and the CSRF token kept in memory
// only, sent as X-CSRF-Token on every state-changing request.
import { useEffect, useState } from 'preact/hooks';

const session = { user: null, csrf: null, known: false };
const listeners = new Set();

export function currentUser() {
  return session.user;
}
export function sessionKnown() {
  return session.known;
}
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
function setSession(user) {
  session.user = user ? { username: user.username || '', role: user.role || '', scope: user.scope || '' } : null;
  session.csrf = user && typeof user.csrf_token === 'string' ? user.csrf_token : null;
  session.known = true;
  for (const fn of listeners) fn(session.user);
}

// The message of a failed response: the server's {"error": "..."} or a
// sentence of our own.
function messageFor(status, data) {
  if (data && typeof data.error === 'string' && data.error) return data.error;
  if (status === 0) return 'The server could not be reached. Check the connection and try again.';
  return `The server answered with status ${status}.`;
}

// Returns { ok, status, data, error }; never throws (an abort gives
// { aborted: true }).
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') return { ok: false, aborted: true, status: 0, data: null, error: '' };
    return { ok: false, status: 0, data: null, error: messageFor(0, null) };
  }
  let data = null;
  try {
    const text = await res.text();
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    if (e && e.name === 'AbortError') return { ok: false, aborted: true, status: 0, data: null, error: '' };
    data = null;
  }
  if (!res.ok) return { ok: false, status: res.status, data, error: messageFor(res.status, data) };
  return { ok: true, status: res.status, data, error: '' };
}

export const RETRY_MS = 3000;

// Loads one or more GET paths; while the server answers 503 (the scorecards
// are being computed) it shows that message and tries again every 3 s.
// Returns { loading, data: [..] | null, error, status, retrying }.
export function useApi(paths, deps = []) {
  const list = Array.isArray(paths) ? paths : [paths];
  const key = list.join('\n');
  const [state, setState] = useState({ loading: true, data: null, error: '', status: 0, retrying: false });
  useEffect(() => {
    const controller = new AbortController();
    let timer = null;
    let stopped = false;
    setState({ loading: true, data: null, error: '', status: 0, retrying: false });
    const load = async () => {
      const answers = await Promise.all(list.map((p) => (p ? api(p, { signal: controller.signal }) : Promise.resolve({ ok: true, data: null }))));
      if (stopped || answers.some((a) => a.aborted)) return;
      const waiting = answers.find((a) => a.status === 503);
      if (waiting) {
        setState({ loading: true, data: null, error: waiting.error, status: 503, retrying: true });
        timer = setTimeout(load, RETRY_MS);
        return;
      }
      const failed = answers.find((a) => !a.ok);
      if (failed) {
        setState({ loading: false, data: null, error: failed.error, status: failed.status, retrying: false });
        return;
      }
      setState({ loading: false, data: answers.map((a) => a.data), error: '', status: 200, retrying: false });
    };
    load();
    return () => {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, ...deps]);
  return state;
}

export async function loadSession() {
  const r = await api('/api/v1/session');
  setSession(r.ok && r.data && r.data.username ? r.data : null);
  return session.user;
}

export async function logIn(username, password) {
  const r = await api('/api/v1/session', { method: 'POST', body: { username, password } });
  if (r.ok && r.data) setSession(r.data);
  return r;
}

export async function logOut() {
  const r = await api('/api/v1/session', { method: 'DELETE' });
  // 401: the session had already ended; either way nobody is logged in here.
  if (r.ok || r.status === 401) setSession(null);
  return r;
}

export function useSession() {
  const [user, setUser] = useState(session.user);
  const [known, setKnown] = useState(session.known);
  useEffect(() => onSessionChange((u) => { setUser(u); setKnown(true); }), []);
  return { user, known };
}
