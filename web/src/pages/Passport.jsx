import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.jsx';
import { saveFile } from '../download.js';
import { capitalise } from '../format.jsx';

// Check a skills passport (#/passport), for an employer, with no login: the
// files are read here, parsed, and sent to POST /api/v1/passport/verify,
// which checks every signature, the issuer's key, the dates, revocation
// (with the issuer's status list) and the holder's e-mail
// (docs/skills-passport.md). The server keeps nothing.

const MAX_BYTES = 1024 * 1024; // the server's limit for the whole request (1 MB)

const COLUMNS = [
  {
    key: 'name',
    label: 'Qualification',
    head: true,
    render: (r) => (
      <>
        {r.name}
        {r.verified ? null : (
          <>
            {' '}
            <span class="flag not-verified" data-testid="not-verified">
              not verified
            </span>
          </>
        )}
      </>
    ),
  },
  { key: 'type', label: 'Type' },
  { key: 'result', label: 'Result' },
  { key: 'level', label: 'Level' },
  { key: 'awarded', label: 'Awarded' },
];
const EXPORT_COLUMNS = [
  ...COLUMNS.map(({ key, label }) => ({ key, label })),
  { key: 'verified', label: 'Verified' },
  { key: 'issuer', label: 'Issuer' },
  { key: 'issuer_id', label: 'Issuer id' },
];

// A chosen file's JSON object, or throws an Error whose message is for the user.
async function readJson(file, what) {
  let text;
  try {
    text = await file.text();
  } catch {
    throw new Error(`${what} (${file.name}) could not be read. Choose it again.`);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what} (${file.name}) is not a JSON file, so it cannot be checked. Choose the .json file you were given.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} (${file.name}) is JSON but not a single object, so it is not a passport file or status list.`);
  }
  return value;
}

function List({ title, items, testid, empty, alarm = false }) {
  return (
    <section class={`passport-list${alarm && items.length ? ' has-problems' : ''}`} data-testid={testid}>
      <h3>{title}</h3>
      {items.length ? (
        <ul>
          {items.map((t, i) => (
            <li key={i}>{capitalise(t)}</li>
          ))}
        </ul>
      ) : (
        <p class="muted">{empty}</p>
      )}
    </section>
  );
}

function Result({ result, fileName }) {
  const items = Array.isArray(result.items) ? result.items : [];
  const issuers = [];
  for (const it of items) {
    if (!issuers.some((x) => x.id === it.issuer_id && x.name === it.issuer)) issuers.push({ name: it.issuer, id: it.issuer_id });
  }
  const stamp = String(result.checked_at || '').replace(/[^0-9TZ]/g, '');
  return (
    <section class="passport-result" aria-labelledby="passport-result-title" data-testid="passport-result">
      <h2 id="passport-result-title" tabIndex={-1}>
        The check of {fileName}
      </h2>
      <p class={`verdict ${result.valid ? 'valid' : 'invalid'}`} data-testid="verdict">
        {result.valid ? 'Valid: every check made passed' : 'Not valid'}
      </p>
      {result.checked_at ? <p class="muted">Checked at {result.checked_at.replace('T', ' ').replace('Z', ' UTC')}.</p> : null}
      {!result.valid ? <p>Read the problems below. A qualification marked “not verified” may have been changed, or may not be what the issuer signed.</p> : null}

      <DataTable caption="Qualifications in this passport" columns={COLUMNS} exportColumns={EXPORT_COLUMNS} rows={items} file="passport-qualifications" testid="passport-items" />

      {issuers.map((x) => (
        <p class="issuer" key={`${x.id}|${x.name}`} data-testid="issuer">
          Issued by <strong>{x.name || 'an issuer with no name'}</strong>
          <br />
          <span class="muted">Issuer’s id: </span>
          <code class="did">{x.id}</code>
        </p>
      ))}
      {issuers.length ? (
        <p class="note">The signature shows the record is unchanged since this id’s key signed it, not who holds the key: compare the id with the one the school publishes.</p>
      ) : null}

      <List title="Problems" items={result.problems || []} testid="problems" empty="None." alarm />
      <List title="Checked" items={result.checks || []} testid="checks" empty="Nothing could be checked." />
      <List title="Not checked, or for you to judge" items={result.notes || []} testid="notes" empty="Nothing." />

      <p class="actions">
        <button type="button" class="button secondary" onClick={() => saveFile(`passport-check-${stamp || 'result'}.json`, 'application/json', JSON.stringify(result, null, 2) + '\n')}>
          Download this check (JSON)
        </button>
      </p>
    </section>
  );
}

export function PassportPage() {
  const passportRef = useRef(null);
  const statusRef = useRef(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const errorRef = useRef(null);

  useEffect(() => {
    document.title = 'Check a skills passport – Lantern';
  }, []);
  useEffect(() => {
    if (error && errorRef.current) errorRef.current.focus();
  }, [error]);
  useEffect(() => {
    if (result) {
      const h = document.getElementById('passport-result-title');
      if (h) h.focus();
      const live = document.getElementById('announce');
      if (live) live.textContent = result.data.valid ? 'Valid: every check made passed.' : 'Not valid.';
    }
  }, [result]);

  const onSubmit = async (e) => {
    e.preventDefault();
    if (busy) return;
    setError('');
    setResult(null);
    const passportFile = passportRef.current && passportRef.current.files[0];
    const statusFile = statusRef.current && statusRef.current.files[0];
    if (!passportFile) {
      setError('Choose the passport file to check.');
      return;
    }
    if (passportFile.size + (statusFile ? statusFile.size : 0) > MAX_BYTES) {
      setError('These files are too large to check here: together they must be under 1 MB. A passport is usually under 100 kB.');
      return;
    }
    const body = {};
    try {
      body.passport = await readJson(passportFile, 'The passport file');
      if (statusFile) body.status_list = await readJson(statusFile, 'The status list');
    } catch (err) {
      setError(err.message);
      return;
    }
    if (email.trim()) body.recipient_email = email.trim();
    setBusy(true);
    const r = await api('/api/v1/passport/verify', { method: 'POST', body });
    setBusy(false);
    if (!r.ok || !r.data || typeof r.data.valid !== 'boolean') {
      setError(r.status === 413 ? 'These files are too large for this server to check. A passport is usually under 100 kB: check that you chose the right files.' : r.error || 'The server did not answer with a check.');
      return;
    }
    setResult({ data: r.data, fileName: passportFile.name });
  };

  return (
    <>
      <h1 tabIndex={-1}>Check a skills passport</h1>
      <p class="lede">
        A skills passport holds a young person’s qualifications, each signed by the school that issued it. This check shows whether each record is unchanged since
        the issuer’s key signed it, and not revoked if you add the issuer’s status list; it cannot prove who holds that key, so it shows the issuer’s id for you to
        compare with the one the school publishes.
      </p>
      {error ? (
        <div class="problem" role="alert" tabIndex={-1} ref={errorRef} data-testid="passport-error">
          <p>
            <strong>{error}</strong>
          </p>
        </div>
      ) : null}
      <form class="passport-form" onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="passport-file">Passport file (passport.json or one qualification’s file)</label>
          <p id="passport-file-hint" class="hint">
            The file the young person gave you. It is sent to this site to be checked and is not kept.
          </p>
          <input ref={passportRef} id="passport-file" name="passport" type="file" accept=".json,application/json" aria-describedby="passport-file-hint" required aria-required="true" />
        </div>
        <div class="field">
          <label for="passport-status">The issuer’s status list (status-list.json), to check revocation</label>
          <p id="passport-status-hint" class="hint">
            Optional. The school publishes it at the address given in the passport. Without it, whether a qualification was revoked is not checked.
          </p>
          <input ref={statusRef} id="passport-status" name="status_list" type="file" accept=".json,application/json" aria-describedby="passport-status-hint" />
        </div>
        <div class="field">
          <label for="passport-email">The holder’s e-mail address (optional)</label>
          <p id="passport-email-hint" class="hint">
            The address the young person gave you. The passport holds it only in a form that can be checked, not read.
          </p>
          <input
            id="passport-email"
            name="recipient_email"
            type="email"
            autocomplete="off"
            spellcheck={false}
            value={email}
            aria-describedby="passport-email-hint"
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Checking…' : 'Check'}
        </button>
      </form>
      {busy ? (
        <p class="status" role="status">
          Checking…
        </p>
      ) : null}
      {result ? <Result result={result.data} fileName={result.fileName} key={result.data.checked_at} /> : null}
    </>
  );
}
