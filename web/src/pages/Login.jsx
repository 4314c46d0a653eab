import { useEffect, useRef, useState } from 'preact/hooks';
import { logIn, logOut } from '../api.js';
import { capitalise } from '../format.jsx';

// Log in: the server sets an HttpOnly session cookie and gives a CSRF token,
// kept in memory (api.js). `next` is a route to return to.
export function LoginPage({ user, next }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const errorRef = useRef(null);

  useEffect(() => {
    document.title = 'Log in – Lantern';
  }, []);
  useEffect(() => {
    if (error && errorRef.current) errorRef.current.focus();
  }, [error]);

  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  const onSubmit = async (e) => {
    e.preventDefault();
    if (busy) return;
    if (!username || !password) {
      setError(!username ? 'Enter your username.' : 'Enter your password.');
      return;
    }
    setBusy(true);
    setError('');
    const r = await logIn(username, password);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      setPassword('');
      return;
    }
    setPassword('');
    window.location.hash = `#${target}`;
  };

  if (user) {
    return (
      <>
        <h1 tabIndex={-1}>Logged in</h1>
        <p data-testid="logged-in">
          You are logged in as <strong>{user.username}</strong> ({user.role}
          {user.scope ? `, ${user.scope}` : ''}).
        </p>
        <p class="actions">
          <a class="button" href={`#${target}`}>
            Continue
          </a>
          <button type="button" class="button secondary" onClick={() => logOut()}>
            Log out
          </button>
        </p>
      </>
    );
  }

  return (
    <>
      <h1 tabIndex={-1}>Log in</h1>
      <p>Logging in is needed only to see pupil records, for those entitled to them. Every published figure is open to everyone without logging in.</p>
      {error ? (
        <div class="problem" role="alert" tabIndex={-1} ref={errorRef} data-testid="login-error">
          <p>
            <strong>{capitalise(error)}</strong>
          </p>
        </div>
      ) : null}
      <form class="login-form" onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="login-username">Username</label>
          <input id="login-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck={false} value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </div>
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </>
  );
}
