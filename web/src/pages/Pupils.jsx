import { useEffect, useState } from 'preact/hooks';
import { loadSession, useApi } from '../api.js';
import { Val, capitalise, isNum } from '../format.jsx';
import { DataTable } from '../components/DataTable.jsx';
import { Loading, LoginNeeded, Problem } from '../components/Status.jsx';

const SEN = { N: 'No SEN', K: 'SEN support', E: 'EHC plan' };
const SEX = { F: 'Female', M: 'Male' };
const CLASS_TEXT = {
  attendance: 'attendance',
  suspensions: 'suspensions',
  ap: 'alternative provision',
  internal_units: 'internal units',
  sen: 'special educational needs',
};

// A school's pupils, for the entitled only. The server decides: 401 asks
// for a login; 403 says the same whether or not the school exists, and so
// does this page (it shows nothing else about the school).
export function PupilsPage({ urn, user, known }) {
  // Asked again whenever who is logged in changes.
  const st = useApi(known ? `/api/v1/schools/${encodeURIComponent(urn)}/pupils` : null, [user ? user.username : '']);
  const data = st.data ? st.data[0] : null;
  useEffect(() => {
    document.title = 'Pupil records – Lantern';
  }, []);
  // A session that ended on the server (timeout): the header says so too.
  useEffect(() => {
    if (st.status === 401 && user) loadSession();
  }, [st.status]);

  if (!known || st.loading) {
    return (
      <>
        <h1 tabIndex={-1}>Pupil records</h1>
        <Loading what="the pupil records" message={st.retrying ? st.error : ''} />
      </>
    );
  }
  if (st.status === 401) {
    return (
      <LoginNeeded
        title="Pupil records"
        message={st.error}
        fallback="Log in to see pupil records"
        why="Pupil records are shown only to people entitled to see them, and every look is recorded."
        next={`/school/${urn}/pupils`}
      />
    );
  }
  if (!data) {
    return (
      <>
        <h1 tabIndex={-1}>Pupil records</h1>
        {st.status === 403 ? (
          <div class="problem" role="alert" data-testid="not-entitled">
            <p>
              <strong>{capitalise(st.error || "you are not entitled to see this school's pupils")}</strong>
            </p>
            <p>Pupil records are shown only to people entitled to see them. {user ? `You are logged in as ${user.username}.` : ''}</p>
          </div>
        ) : (
          <Problem status={st.status} message={st.error} />
        )}
      </>
    );
  }
  return <PupilList data={data} urn={urn} />;
}

function PupilList({ data, urn }) {
  const school = data.school || {};
  const classes = Array.isArray(data.classes) ? data.classes : [];
  const has = (c) => classes.includes(c);
  const pupils = Array.isArray(data.pupils) ? data.pupils : [];
  const who = Array.isArray(data.who_can_see) ? data.who_can_see : [];
  const [filter, setFilter] = useState('');
  const f = filter.trim().toLowerCase();
  const rows = pupils
    .map((p) => toRow(p))
    .filter((r) => !f || r.upn.toLowerCase().includes(f) || String(r.year_group).toLowerCase() === f);
  const columns = [
    { key: 'upn', label: 'UPN', head: true },
    { key: 'year_group', label: 'Year group' },
    { key: 'sex', label: 'Sex', render: (r) => SEX[r.sex] || r.sex },
    ...(has('sen') ? [{ key: 'sen', label: 'SEN', render: (r) => (r.sen ? `${SEN[r.sen] || r.sen}` : '') }] : []),
    { key: 'fsm', label: 'FSM', render: (r) => yesNo(r.fsm) },
    ...(pupils.some((p) => typeof p.disadvantaged === 'boolean') ? [{ key: 'disadvantaged', label: 'Disadvantaged', render: (r) => yesNo(r.disadvantaged) }] : []),
    ...(has('attendance')
      ? [{ key: 'attendance_percent', label: 'Attendance (%)', num: true, render: (r) => (r.attendance_percent === '' ? '' : <span>{<Val v={r.attendance_percent} dp={1} />}{isNum(r.possible) ? <span class="muted small"> of {r.possible} sessions</span> : null}</span>) }]
      : []),
    ...(has('suspensions') ? [{ key: 'suspensions', label: 'Suspensions', render: (r) => <Episodes list={r.suspension_list} describe={(s) => `${s.start || ''} ${s.category || ''}${isNum(s.sessions) ? `, ${s.sessions} sessions` : ''}`} /> }] : []),
    ...(has('ap') ? [{ key: 'ap', label: 'AP placements', render: (r) => <Episodes list={r.ap_list} describe={(s) => `${s.start || ''} to ${s.end || 'open'}: ${s.setting || ''}${isNum(s.hours_per_week) ? `, ${s.hours_per_week} h/week` : ''}`} /> }] : []),
    ...(has('internal_units') ? [{ key: 'internal_units', label: 'Internal-unit spells', render: (r) => <Episodes list={r.unit_list} describe={(s) => `${s.start || ''} to ${s.end || 'open'}: ${s.unit || ''}${isNum(s.sessions) ? `, ${s.sessions} sessions` : ''}`} /> }] : []),
  ];
  const whoColumns = [
    { key: 'username', label: 'User', head: true },
    { key: 'role', label: 'Role' },
    { key: 'scope', label: 'Scope' },
    { key: 'basis', label: 'Basis' },
    { key: 'classes', label: 'What they see', render: (r) => (Array.isArray(r.classes) ? r.classes.map((c) => CLASS_TEXT[c] || c).join(', ') : '') },
  ];
  return (
    <article class="pupils" data-testid="pupils">
      <p class="kicker">Pupil records{school.urn ? `, URN ${school.urn}` : ''}</p>
      <h1 tabIndex={-1}>{school.name || `School ${school.urn || urn}`}: pupils</h1>
      <div class="notice">
        <p>
          <strong>Confidential.</strong> These are records of individual pupils. This look has been written to the audit log.
        </p>
      </div>
      <dl class="facts header-facts">
        <div class="wide">
          <dt>Basis of access</dt>
          <dd data-testid="basis">{data.basis || 'not given'}</dd>
        </div>
        <div class="wide">
          <dt>Shared here</dt>
          <dd data-testid="classes">{classes.length ? classes.map((c) => CLASS_TEXT[c] || c).join(', ') : 'nothing beyond the pupils’ basic details'}</dd>
        </div>
        {data.residents_of ? (
          <div class="wide">
            <dt>Pupils listed</dt>
            <dd>only those living in local authority {data.residents_of}</dd>
          </div>
        ) : null}
        <div>
          <dt>Pupils</dt>
          <dd data-testid="pupil-count">{pupils.length}</dd>
        </div>
      </dl>
      <p>
        <a href={`#/school/${encodeURIComponent(school.urn || urn)}`}>The school’s scorecard</a>
      </p>

      <section aria-labelledby="pupil-list">
        <h2 id="pupil-list">Pupils</h2>
        <div class="field filter-field no-print">
          <label for="pupil-filter">Show only a UPN or year group</label>
          <input id="pupil-filter" type="text" value={filter} autocomplete="off" onInput={(e) => setFilter(e.currentTarget.value)} />
        </div>
        <DataTable caption={`Pupils (${rows.length} of ${pupils.length})`} columns={columns} rows={rows} downloads={false} testid="pupil-table" class="pupil-table" />
      </section>

      <section aria-labelledby="who-can-see">
        <h2 id="who-can-see">Who can see these records</h2>
        {who.length ? (
          <DataTable caption="Users entitled to these records, and why" columns={whoColumns} rows={who} downloads={false} testid="who-table" />
        ) : (
          <p>No user list was given.</p>
        )}
      </section>
    </article>
  );
}

function toRow(p) {
  const a = p.attendance && typeof p.attendance === 'object' ? p.attendance : null;
  return {
    upn: String(p.upn || ''),
    year_group: p.year_group ?? '',
    sex: p.sex || '',
    sen: p.sen || '',
    fsm: p.fsm,
    disadvantaged: p.disadvantaged,
    attendance_percent: a ? a.percent ?? '' : '',
    possible: a ? a.possible : undefined,
    suspension_list: Array.isArray(p.suspensions) ? p.suspensions : [],
    ap_list: Array.isArray(p.ap) ? p.ap : [],
    unit_list: Array.isArray(p.internal_units) ? p.internal_units : [],
  };
}

function yesNo(v) {
  return v === true ? 'Yes' : v === false ? 'No' : '';
}

function Episodes({ list, describe }) {
  if (!list.length) return <span class="muted">none</span>;
  return (
    <span>
      {list.length}
      <ul class="plain small">
        {list.map((s, i) => (
          <li key={i}>{describe(s)}</li>
        ))}
      </ul>
    </span>
  );
}
