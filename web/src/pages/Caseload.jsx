import { useEffect, useState } from 'preact/hooks';
import { api, loadSession, useApi } from '../api.js';
import { capitalise } from '../format.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Loading, LoginNeeded, Problem } from '../components/Status.jsx';

const STATUS_TEXT = { raised: 'Raised', acknowledged: 'Acknowledged', plan_agreed: 'Plan agreed', closed: 'Closed' };
// Rows shown at first, and added by each "Show more" (a filter finds the rest).
const PAGE = 50;

// The logged-in user's caseload (GET /api/v1/caseload): the flagged pupils
// they are entitled to see, with the reasons in words, and the referrals
// with their clocks in school days, escalations due first; a form records a
// response (POST /api/v1/referrals/ID). The server decides who sees what.
export function CaseloadPage({ user, known }) {
  const [version, setVersion] = useState(0);
  const st = useApi(known ? '/api/v1/caseload' : null, [user ? user.username : '', version]);
  const data = st.data ? st.data[0] : null;
  useEffect(() => {
    document.title = 'Caseload – Lantern';
  }, []);
  useEffect(() => {
    if (st.status === 401 && user) loadSession();
  }, [st.status]);

  if (!known || (st.loading && !data)) {
    return (
      <>
        <h1 tabIndex={-1}>Caseload</h1>
        <Loading what="the caseload" message={st.retrying ? st.error : ''} />
      </>
    );
  }
  if (st.status === 401) {
    return (
      <LoginNeeded
        title="Caseload"
        message={st.error}
        fallback="Log in to see your caseload"
        why="Pupils at risk are shown only to people entitled to see them, and every look is recorded."
        next="/caseload"
      />
    );
  }
  if (!data) {
    return (
      <>
        <h1 tabIndex={-1}>Caseload</h1>
        {st.status === 403 ? (
          <div class="problem" role="alert" data-testid="not-entitled">
            <p>
              <strong>{capitalise(st.error)}</strong>
            </p>
          </div>
        ) : (
          <Problem status={st.status} message={st.error} />
        )}
      </>
    );
  }
  return <Caseload data={data} onChanged={() => setVersion((v) => v + 1)} />;
}

function clockText(used, within, breached, done) {
  const n = typeof used === 'number' ? used : 0;
  const base = `${n} school day${n === 1 ? '' : 's'}${done ? '' : ' so far'} (standard ${within})`;
  return breached ? `${base}: standard breached` : base;
}

function Clock({ used, within, breached, done }) {
  return (
    <span class={breached ? 'breached' : ''}>
      {breached ? <strong>Breached: </strong> : null}
      {clockText(used, within, false, done)}
    </span>
  );
}

function Caseload({ data, onChanged }) {
  const pupils = Array.isArray(data.pupils) ? data.pupils : [];
  const referrals = Array.isArray(data.referrals) ? data.referrals : [];
  const outcomes = Array.isArray(data.outcomes) ? data.outcomes : [];
  const [filter, setFilter] = useState('');
  const f = filter.trim().toLowerCase();
  const match = (r) => !f || String(r.upn).toLowerCase().includes(f) || String(r.urn).includes(f);
  const pupilRows = pupils.filter(match);
  const refRows = referrals.filter(match);
  const [chosen, setChosen] = useState('');
  const [refShown, setRefShown] = useState(PAGE);
  const [pupilShown, setPupilShown] = useState(PAGE);

  const pupilColumns = [
    { key: 'upn', label: 'UPN', head: true },
    { key: 'school_name', label: 'School', render: (r) => `${r.school_name} (${r.urn})` },
    { key: 'home_la', label: 'Home LA', render: (r) => String(r.home_la) },
    {
      key: 'flags',
      label: 'Why flagged',
      render: (r) => (
        <ul class="plain small">
          {r.flags.map((x, i) => (
            <li key={i}>
              <strong>{x.meaning || x.trigger_id}</strong> since {x.since}: {x.reason} <span class="muted">({x.trigger_id}, rules {x.rules_version})</span>
            </li>
          ))}
        </ul>
      ),
    },
    { key: 'referral_id', label: 'Referral', render: (r) => (r.referral_id ? `#${r.referral_id}` : 'none open') },
  ];
  const refColumns = [
    { key: 'id', label: 'Referral', head: true, render: (r) => `#${r.id}` },
    { key: 'upn', label: 'UPN' },
    { key: 'school_name', label: 'School', render: (r) => `${r.school_name} (${r.urn})` },
    { key: 'status', label: 'Status', render: (r) => `${STATUS_TEXT[r.status] || r.status}${r.outcome ? `: ${r.outcome.replace(/_/g, ' ')}` : ''}` },
    { key: 'raised', label: 'Raised' },
    { key: 'ack', label: 'Acknowledge', render: (r) => <Clock used={r.acknowledged ? r.school_days_to_acknowledge : r.school_days_open} within={r.acknowledge_within} breached={r.acknowledge_breached} done={!!r.acknowledged} /> },
    { key: 'plan', label: 'Plan', render: (r) => <Clock used={r.plan_agreed ? r.school_days_to_plan : r.school_days_open} within={r.plan_within} breached={r.plan_breached} done={!!r.plan_agreed} /> },
    {
      key: 'escalation',
      label: 'Escalation',
      render: (r) =>
        r.escalation_due ? (
          <strong class="breached">Due: {r.escalation_due_to} (from {r.escalation_due_on})</strong>
        ) : r.escalation_level ? (
          `Step ${r.escalation_level}: ${r.escalated_to || ''}`
        ) : (
          'none'
        ),
    },
    { key: 'routed_to', label: 'Routed to', render: (r) => <span class="small">{r.routed_to}</span> },
    {
      key: 'act',
      label: 'Update',
      render: (r) =>
        r.status === 'closed' ? (
          <span class="muted">closed</span>
        ) : (
          <button type="button" class="button secondary small" onClick={() => choose(r.id)} aria-label={`Update referral ${r.id}`}>
            Update
          </button>
        ),
    },
  ];
  const choose = (id) => {
    setChosen(String(id));
    setTimeout(() => document.getElementById('referral-id')?.focus(), 0);
  };
  const open = referrals.filter((r) => r.status !== 'closed').length;
  const breached = referrals.filter((r) => r.status !== 'closed' && (r.acknowledge_breached || r.plan_breached)).length;

  return (
    <article class="caseload" data-testid="caseload">
      <p class="kicker">At-risk early warning{data.as_of ? `, as at ${data.as_of}` : ''}</p>
      <h1 tabIndex={-1}>Your caseload</h1>
      <div class="notice">
        <p>
          <strong>Confidential.</strong> These are records of individual pupils. This look has been written to the audit log. A flag is an early warning, not a label.
        </p>
      </div>
      <dl class="facts header-facts">
        <div class="wide">
          <dt>Basis of access</dt>
          <dd data-testid="basis">{data.basis}</dd>
        </div>
        <div>
          <dt>Pupils flagged</dt>
          <dd data-testid="pupil-count">{pupils.length}</dd>
        </div>
        <div>
          <dt>Open referrals</dt>
          <dd data-testid="open-count">{open}</dd>
        </div>
        <div>
          <dt>Past a standard</dt>
          <dd data-testid="breached-count">{breached}</dd>
        </div>
        <div>
          <dt>Escalations due</dt>
          <dd data-testid="due-count">{data.escalations_due}</dd>
        </div>
        <div>
          <dt>Rules in force</dt>
          <dd>version {data.rules_version}</dd>
        </div>
      </dl>
      <p class="small">Clocks count the school days of the pupil’s school since the referral was raised, against the response standards of the agreement (LIPA) that routes it.</p>

      <div class="field filter-field no-print">
        <label for="caseload-filter">Show only a UPN or URN</label>
        <input id="caseload-filter" type="text" value={filter} autocomplete="off" onInput={(e) => setFilter(e.currentTarget.value)} />
      </div>

      <section aria-labelledby="referral-list">
        <h2 id="referral-list">Referrals, escalations due first</h2>
        <DataTable caption={`Referrals, open and closed (${Math.min(refShown, refRows.length)} shown of ${refRows.length})`} columns={refColumns} rows={refRows.slice(0, refShown)} downloads={false} testid="referral-table" />
        <ShowMore shown={refShown} total={refRows.length} onMore={() => setRefShown(refShown + PAGE)} what="referrals" />
      </section>

      <UpdateForm referrals={referrals} outcomes={outcomes} chosen={chosen} setChosen={setChosen} onChanged={onChanged} />

      <section aria-labelledby="pupil-list">
        <h2 id="pupil-list">Pupils flagged</h2>
        <DataTable caption={`Pupils flagged (${Math.min(pupilShown, pupilRows.length)} shown of ${pupilRows.length})`} columns={pupilColumns} rows={pupilRows.slice(0, pupilShown)} downloads={false} testid="flag-table" />
        <ShowMore shown={pupilShown} total={pupilRows.length} onMore={() => setPupilShown(pupilShown + PAGE)} what="pupils" />
      </section>
    </article>
  );
}

// "Show N more" under a long table, while rows are left.
function ShowMore({ shown, total, onMore, what }) {
  if (shown >= total) return null;
  return (
    <p class="no-print">
      <button type="button" class="button secondary" onClick={onMore} data-testid={`more-${what}`}>
        Show {Math.min(PAGE, total - shown)} more {what}
      </button>
    </p>
  );
}

function UpdateForm({ referrals, outcomes, chosen, setChosen, onChanged }) {
  const [status, setStatus] = useState('acknowledged');
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setMessage('');
    setError('');
    const id = parseInt(chosen, 10);
    if (!id) {
      setError('Give the referral number.');
      return;
    }
    const body = { status };
    if (status === 'closed') body.outcome = outcome;
    if (note.trim()) body.note = note.trim();
    setBusy(true);
    const r = await api(`/api/v1/referrals/${id}`, { method: 'POST', body });
    setBusy(false);
    if (!r.ok) {
      setError(capitalise(r.error));
      return;
    }
    setMessage(`Referral #${id} is now ${(STATUS_TEXT[r.data.status] || r.data.status).toLowerCase()}.`);
    setNote('');
    onChanged();
  };
  const openIds = referrals.filter((r) => r.status !== 'closed').length;
  return (
    <section aria-labelledby="update-referral" class="no-print">
      <h2 id="update-referral">Record a response</h2>
      {openIds === 0 ? <p>No referral is open.</p> : null}
      <form onSubmit={submit} data-testid="update-form">
        <div class="field">
          <label for="referral-id">Referral number</label>
          <input id="referral-id" type="text" inputMode="numeric" value={chosen} onInput={(e) => setChosen(e.currentTarget.value.replace(/^#/, ''))} />
        </div>
        <div class="field">
          <label for="referral-status">New status</label>
          <select id="referral-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="acknowledged">Acknowledged</option>
            <option value="plan_agreed">Plan agreed</option>
            <option value="closed">Closed, with an outcome</option>
          </select>
        </div>
        {status === 'closed' ? (
          <div class="field">
            <label for="referral-outcome">Outcome</label>
            <select id="referral-outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
              <option value="">Choose an outcome</option>
              {outcomes.map((o) => (
                <option value={o} key={o}>
                  {o.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="field">
          <label for="referral-note">Note (no pupil names)</label>
          <input id="referral-note" type="text" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button" disabled={busy}>
          Save
        </button>
      </form>
      <p role="status" data-testid="update-message">
        {message}
      </p>
      {error ? (
        <p class="error-text" role="alert" data-testid="update-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
