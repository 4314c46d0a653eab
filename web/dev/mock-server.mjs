#!/usr/bin/env node
// A development stand-in for `lantern serve` (plain Node, no dependencies).
//
// It serves web/dist and answers the /api/v1 endpoints the web app uses from
// REAL files written by Lantern: the per-school JSON and the indicator list
// that `lantern scorecard` writes, the attendance rows that `lantern build`
// writes and the trusts of the generated input. Accounts and pupils are FAKE:
// two fixed users and made-up pupils, for developing and for the web tests
// only. The tests run against the real server when LANTERN_URL is set.
//
//   node dev/mock-server.mjs [--port 8080] [--data DIR[,DIR...]]
//                            [--attendance FILE] [--trusts FILE] [--dist DIR]
//                            [--computing-seconds N]
//
// --data       folders written by `lantern scorecard --out` (scorecards/*.json
//              and scorecard_indicators.json); default $LANTERN_MOCK_DATA or
//              /tmp/web805/sc. When the default is missing and ../build/lantern
//              exists, the mock generates it (LA 805, seed 1, about 15 s).
// --attendance a `lantern build` attendance.csv (default beside the data:
//              /tmp/web805/build/attendance.csv)
// --computing-seconds  answer 503 "computing" for the first N seconds, as the
//              real server does while it computes
// Port 0 picks a free port. The first line printed is "mock listening on URL".
//
// Users: head / demo-password-1 (role school, scope: the first school's URN)
//        nobody / demo-password-2 (role trust, scope TR99999: no school)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const repoDir = path.resolve(webDir, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const DEFAULT_ROOT = '/tmp/web805';
const port = Number(arg('port', process.env.PORT || 8080));
const dataDirs = arg('data', process.env.LANTERN_MOCK_DATA || `${DEFAULT_ROOT}/sc`).split(',');
const attendanceFile = arg('attendance', process.env.LANTERN_MOCK_ATTENDANCE || `${DEFAULT_ROOT}/build/attendance.csv`);
const trustsFile = arg('trusts', `${DEFAULT_ROOT}/input/trusts.csv`);
const distDir = path.resolve(arg('dist', path.join(webDir, 'dist')));
const computingSeconds = Number(arg('computing-seconds', 0));
// When the mock began to listen: the computing window counts from then, not
// from the start of the process (which may first build its data with lantern).
let startedAt = Date.now();

// ---- the data --------------------------------------------------------------

function ensureDefaultData() {
  if (dataDirs.length !== 1 || dataDirs[0] !== `${DEFAULT_ROOT}/sc`) return;
  if (fs.existsSync(`${DEFAULT_ROOT}/sc/scorecard_indicators.json`) && fs.existsSync(attendanceFile)) return;
  const lantern = path.join(repoDir, 'build', 'lantern');
  if (!fs.existsSync(lantern)) {
    console.error(`mock: ${DEFAULT_ROOT}/sc is missing and ${lantern} is not built; give --data DIR`);
    process.exit(2);
  }
  const run = (args) => {
    console.error(`mock: lantern ${args.join(' ')}`);
    const r = spawnSync(lantern, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error(`mock: lantern ${args[0]} failed (${r.status})`);
      process.exit(2);
    }
  };
  if (!fs.existsSync(`${DEFAULT_ROOT}/store`)) {
    run(['generate', '--scale', 'la', '--la', '805', '--seed', '1', '--out', `${DEFAULT_ROOT}/input`]);
    run(['ingest', `${DEFAULT_ROOT}/input`, '--store', `${DEFAULT_ROOT}/store`]);
  }
  run(['scorecard', '--store', `${DEFAULT_ROOT}/store`, '--out', `${DEFAULT_ROOT}/sc`]);
  run(['build', '--store', `${DEFAULT_ROOT}/store`, '--out', `${DEFAULT_ROOT}/build`]);
}
ensureDefaultData();

// A small CSV reader (quoted fields, no embedded newlines needed here).
function parseCsvLine(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}
function readCsv(file) {
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  return { header: parseCsvLine(lines[0]), rows: lines.slice(1).map(parseCsvLine) };
}

const trustNames = new Map();
{
  const t = readCsv(trustsFile);
  if (t) {
    const id = t.header.indexOf('trust_id');
    const name = t.header.indexOf('trust_name');
    for (const r of t.rows) trustNames.set(r[id], r[name]);
  }
}

let indicatorsText = null;
const scorecardFile = new Map(); // urn -> file
const schools = []; // in URN order, as the real server lists them
for (const dir of dataDirs) {
  const ind = path.join(dir, 'scorecard_indicators.json');
  if (indicatorsText === null && fs.existsSync(ind)) indicatorsText = fs.readFileSync(ind, 'utf8');
  const scDir = path.join(dir, 'scorecards');
  if (!fs.existsSync(scDir)) continue;
  for (const f of fs.readdirSync(scDir)) {
    if (!f.endsWith('.json')) continue;
    const file = path.join(scDir, f);
    const d = JSON.parse(fs.readFileSync(file, 'utf8'));
    scorecardFile.set(Number(d.school_urn), file);
    schools.push({
      urn: Number(d.school_urn),
      name: d.school_name || '',
      phase: d.school_phase || '',
      type: d.school_type || '',
      la_code: Number(d.old_la_code),
      la_name: d.la_name || '',
      region_name: d.region_name || '',
      trust_id: d.trust_id || '',
      trust_name: trustNames.get(d.trust_id) || '',
      enquiries: (d.lines_of_enquiry || []).map((e) => ({ ...e })),
      enquiryRows: Object.entries(d.indicators || {}).flatMap(([id, rows]) =>
        rows.filter((r) => r.enquiry === 'higher' || r.enquiry === 'lower').map((r) => ({
          indicator: id, pupil_group: r.pupil_group, breakdown: r.breakdown,
          direction: r.enquiry, enquiry_text: r.enquiry_text || '',
        }))),
      pupilsOnRoll: (() => {
        const v = d.indicators?.pupils_on_roll?.[0]?.value;
        return typeof v === 'number' ? v : 60;
      })(),
    });
  }
}
schools.sort((a, b) => a.urn - b.urn);
if (schools.length === 0 || indicatorsText === null) {
  console.error(`mock: no scorecards in ${dataDirs.join(', ')}`);
  process.exit(2);
}
const timePeriod = (() => {
  const d = JSON.parse(fs.readFileSync(scorecardFile.get(schools[0].urn), 'utf8'));
  return { time_period: d.time_period || '', mode: d.mode === 'open data' ? 'open-data' : (d.mode || 'pupil-level') };
})();

// The attendance rows of LAs and trusts, as the real server keeps them.
const attendance = { columns: [], byLa: new Map(), byTrust: new Map() };
{
  const t = readCsv(attendanceFile);
  if (t) {
    const col = (n) => t.header.indexOf(n);
    const keep = ['school_type', 'location_basis', 'breakdown_topic', 'breakdown'].map(col);
    const first = col('num_schools') >= 0 ? col('num_schools') : col('breakdown') + 1;
    for (let i = first; i < t.header.length; i++) keep.push(i);
    attendance.columns = keep.map((k) => t.header[k]);
    for (const r of t.rows) {
      if (r.length !== t.header.length) continue;
      const level = r[col('geographic_level')];
      let by = null;
      let key = '';
      if (level === 'Local authority') { by = attendance.byLa; key = r[col('old_la_code')]; }
      else if (level === 'MAT' && r[col('school_type')] === 'Total') { by = attendance.byTrust; key = r[col('trust_id')]; }
      else continue;
      if (!by.has(key)) by.set(key, []);
      by.get(key).push(keep.map((k) => r[k]));
    }
  }
}

// ---- fake accounts and pupils ---------------------------------------------

const headUrn = String(schools[0].urn);
const users = [
  { username: 'head', password: 'demo-password-1', role: 'school', scope: headUrn },
  { username: 'nobody', password: 'demo-password-2', role: 'trust', scope: 'TR99999' },
];
const sessions = new Map(); // token -> { user, csrf }

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
function fakePupils(school) {
  const r = rng(school.urn);
  const n = Math.max(5, Math.min(200, Math.round(school.pupilsOnRoll)));
  const years = school.phase === 'Secondary' ? ['7', '8', '9', '10', '11'] : ['R', '1', '2', '3', '4', '5', '6'];
  const pupils = [];
  for (let i = 0; i < n; i++) {
    const possible = 300 + Math.floor(r() * 30);
    const absent = Math.floor(r() * r() * 60);
    const p = {
      upn: `A${String(school.urn).slice(0, 6)}${String(1000 + i).padStart(5, '0')}`.slice(0, 13),
      year_group: years[Math.floor(r() * years.length)],
      sex: r() < 0.5 ? 'F' : 'M',
      fsm: r() < 0.25,
      disadvantaged: r() < 0.3,
      sen: r() < 0.12 ? 'K' : r() < 0.03 ? 'E' : 'N',
      attendance: {
        possible, absent,
        authorised: Math.floor(absent * 0.7), unauthorised: absent - Math.floor(absent * 0.7),
        percent: Math.round((1000 * (possible - absent)) / possible) / 10,
      },
      suspensions: [],
      ap: [],
      internal_units: [],
    };
    if (r() < 0.06) p.suspensions.push({ start: '2019-01-14', category: 'Suspension', sessions: 1 + Math.floor(r() * 6) });
    if (r() < 0.02) p.ap.push({ start: '2018-11-05', end: '2019-02-01', setting: 'Registered provision', reason: 'Off-site placement for behavioural support', hours_per_week: 10, reintegration_plan: true });
    if (r() < 0.05) p.internal_units.push({ start: '2019-03-04', end: '2019-03-06', unit: 'Internal support unit', sessions: 4 });
    pupils.push(p);
  }
  return pupils;
}

// ---- HTTP -------------------------------------------------------------------

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

function send(res, status, body, type = 'application/json', extra = {}) {
  res.writeHead(status, { 'Content-Type': type, ...SECURITY_HEADERS, ...extra });
  res.end(body);
}
function json(res, status, obj, extra = {}) {
  send(res, status, JSON.stringify(obj), 'application/json', { 'Cache-Control': 'no-store', ...extra });
}
function error(res, status, message, extra = {}) {
  json(res, status, { error: message }, extra);
}

function who(req) {
  const cookie = req.headers.cookie || '';
  const m = cookie.match(/(?:^|;\s*)lantern_session=([^;]+)/);
  if (!m) return null;
  const s = sessions.get(m[1]);
  return s ? { ...s, token: m[1] } : null;
}

function schoolJson(s) {
  return { urn: s.urn, name: s.name, phase: s.phase, type: s.type, la_code: s.la_code, la_name: s.la_name, trust_id: s.trust_id, trust_name: s.trust_name };
}
function enquiries(list) {
  return list.flatMap((s) => s.enquiryRows.map((e) => ({ urn: s.urn, school_name: s.name, ...e })));
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2' };

function serveStatic(req, res, pathname) {
  let p = decodeURIComponent(pathname);
  if (p === '/' || p === '') p = '/index.html';
  const file = path.resolve(distDir, '.' + p);
  if (!file.startsWith(distDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return send(res, 404, 'not found', 'text/plain');
  }
  send(res, 200, fs.readFileSync(file), TYPES[path.extname(file)] || 'application/octet-stream');
}

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => { body += c; if (body.length > 1 << 20) req.destroy(); });
    req.on('end', () => resolve(body));
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  const m = req.method;
  if (!p.startsWith('/api/')) {
    if (m !== 'GET' && m !== 'HEAD') return error(res, 405, 'method not allowed');
    return serveStatic(req, res, p);
  }
  const computing = Date.now() - startedAt < computingSeconds * 1000;
  const needReady = () => {
    if (!computing) return true;
    error(res, 503, 'the scorecards are being computed; try again in a few seconds', { 'Retry-After': '3' });
    return false;
  };
  let g;
  if (p === '/api/v1/health' && m === 'GET') {
    return json(res, 200, { status: 'ok', mode: timePeriod.mode, time_period: timePeriod.time_period, scorecard: computing ? 'computing' : 'ready', accounts: true, mock: true });
  }
  if (p === '/api/v1/session') {
    if (m === 'GET') {
      const s = who(req);
      if (!s) return error(res, 401, 'not logged in');
      return json(res, 200, { username: s.user.username, role: s.user.role, scope: s.user.scope, csrf_token: s.csrf });
    }
    if (m === 'POST') {
      if (!(req.headers['content-type'] || '').startsWith('application/json')) return error(res, 415, 'send the username and password as JSON');
      let body;
      try { body = JSON.parse(await readBody(req)); } catch { body = null; }
      if (!body || typeof body.username !== 'string' || typeof body.password !== 'string') {
        return error(res, 400, 'expected {"username": "...", "password": "..."}');
      }
      const user = users.find((u) => u.username === body.username && u.password === body.password);
      if (!user) return error(res, 401, 'wrong username or password');
      const token = crypto.randomBytes(32).toString('hex');
      const csrf = crypto.randomBytes(16).toString('hex');
      sessions.set(token, { user, csrf });
      return json(res, 200, { username: user.username, role: user.role, scope: user.scope, csrf_token: csrf },
        { 'Set-Cookie': `lantern_session=${token}; Path=/; HttpOnly; Secure; SameSite=Strict` });
    }
    if (m === 'DELETE') {
      const s = who(req);
      if (!s) return error(res, 401, 'not logged in');
      if (req.headers['x-csrf-token'] !== s.csrf) return error(res, 403, 'missing or wrong X-CSRF-Token header');
      sessions.delete(s.token);
      res.writeHead(204, { ...SECURITY_HEADERS, 'Set-Cookie': 'lantern_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0' });
      return res.end();
    }
    return error(res, 405, 'method not allowed');
  }
  if (m !== 'GET') return error(res, 405, 'method not allowed');
  if (p === '/api/v1/indicators') {
    if (!needReady()) return;
    return send(res, 200, indicatorsText, 'application/json', { 'Cache-Control': 'no-store' });
  }
  if (p === '/api/v1/schools') {
    if (!needReady()) return;
    const q = (url.searchParams.get('q') || '').toLowerCase();
    let limit = 20;
    if (url.searchParams.has('limit')) {
      limit = Number(url.searchParams.get('limit'));
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) return error(res, 400, 'limit must be 1 to 200');
    }
    if (q.length > 200) return error(res, 400, 'the query is too long');
    const words = q.split(' ').filter(Boolean);
    const results = [];
    for (const s of schools) {
      const hay = `${s.name} ${s.urn} ${s.la_name} ${s.la_code} ${s.trust_name} ${s.trust_id}`.toLowerCase();
      if (words.every((w) => hay.includes(w))) results.push(schoolJson(s));
      if (results.length >= limit) break;
    }
    return json(res, 200, { query: url.searchParams.get('q') || '', results });
  }
  if ((g = p.match(/^\/api\/v1\/schools\/([^/]+)\/scorecard$/))) {
    if (!needReady()) return;
    const file = scorecardFile.get(Number(g[1]));
    if (!/^\d+$/.test(g[1]) || !file) return error(res, 404, 'no school with that URN');
    return send(res, 200, fs.readFileSync(file), 'application/json', { 'Cache-Control': 'no-store' });
  }
  if ((g = p.match(/^\/api\/v1\/schools\/([^/]+)\/scorecard\.xlsx$/))) {
    if (!needReady()) return;
    if (!scorecardFile.get(Number(g[1]))) return error(res, 404, 'no school with that URN');
    return error(res, 501, 'the development mock makes no workbooks; lantern serve does');
  }
  if ((g = p.match(/^\/api\/v1\/schools\/([^/]+)\/pupils$/))) {
    const s = who(req);
    if (!s) return error(res, 401, 'log in to see pupil records');
    const refusal = "you are not entitled to see this school's pupils";
    const school = schools.find((x) => String(x.urn) === g[1]);
    const allowed = school && ((s.user.role === 'school' && s.user.scope === g[1]) || (s.user.role === 'trust' && school.trust_id && s.user.scope === school.trust_id));
    if (!allowed) return error(res, 403, refusal);
    const classes = ['attendance', 'suspensions', 'ap', 'internal_units', 'sen'];
    return json(res, 200, {
      school: { urn: school.urn, name: school.name },
      basis: s.user.role === 'school' ? 'school: its own pupils' : `trust: pupils of its school ${school.urn}`,
      classes,
      residents_of: null,
      pupils: fakePupils(school),
      who_can_see: users.filter((u) => u.role === 'school' && u.scope === g[1]).map((u) => ({ username: u.username, role: u.role, scope: u.scope, basis: 'school: its own pupils', classes })),
    });
  }
  if ((g = p.match(/^\/api\/v1\/las\/([^/]+)$/))) {
    if (!needReady()) return;
    const list = schools.filter((s) => String(s.la_code) === g[1]);
    if (!/^\d+$/.test(g[1]) || list.length === 0) return error(res, 404, 'no local authority with that code');
    return json(res, 200, {
      la_code: Number(g[1]), la_name: list[0].la_name, region_name: list[0].region_name,
      schools: list.map(schoolJson), enquiries: enquiries(list),
      attendance: { columns: attendance.columns, rows: attendance.byLa.get(g[1]) || [] },
    });
  }
  if ((g = p.match(/^\/api\/v1\/trusts\/([^/]+)$/))) {
    if (!needReady()) return;
    const id = decodeURIComponent(g[1]);
    const list = schools.filter((s) => s.trust_id && s.trust_id === id);
    if (list.length === 0) return error(res, 404, 'no trust with that id');
    return json(res, 200, {
      trust_id: id, trust_name: list[0].trust_name,
      schools: list.map(schoolJson), enquiries: enquiries(list),
      attendance: { columns: attendance.columns, rows: attendance.byTrust.get(id) || [] },
    });
  }
  return error(res, 404, 'no such endpoint (see /api/v1/openapi.json)');
});

server.listen(port, '127.0.0.1', () => {
  startedAt = Date.now();
  const addr = server.address();
  console.log(`mock listening on http://127.0.0.1:${addr.port}/ (${schools.length} schools; users head, nobody; school user scope ${headUrn})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { server.close(); process.exit(0); });
