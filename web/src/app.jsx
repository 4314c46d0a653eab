import { useEffect, useRef, useState } from 'preact/hooks';
import { api, loadSession, logOut, useSession } from './api.js';
import { Footer } from './components/Footer.jsx';
import { SkipLink } from './components/SkipLink.jsx';
import { FindPage } from './pages/Find.jsx';
import { SchoolPage } from './pages/School.jsx';
import { AreaPage } from './pages/Area.jsx';
import { PupilsPage } from './pages/Pupils.jsx';
import { CaseloadPage } from './pages/Caseload.jsx';
import { LoginPage } from './pages/Login.jsx';
import { MeasuresComparisonPage, SchoolMeasuresPage } from './pages/Measures.jsx';
import { VoicePage } from './pages/Voice.jsx';
import { PassportPage } from './pages/Passport.jsx';
import { PlacePage, PlacesPage } from './pages/Place.jsx';

// Hash routes:
//   #/                      find a school, trust or LA (#/?q=TEXT keeps the search)
//   #/school/URN            a school's scorecard
//   #/school/URN/pupils     its pupils, for the entitled
//   #/school/URN/measures   its KS4 measures (its pupils' slots for the entitled)
//   #/measures              every school's Progress 8 and Progress 5
//   #/la/CODE, #/trust/ID   a local authority, a trust
//   #/places                the places with a Local Outcomes Framework
//   #/region/CODE, #/england, #/place/CODE   the framework for a region
//                           (ONS code), England, a user-defined place
//   #/school/URN/voice, #/la/CODE/voice   pupil voice (docs/pupil-voice.md)
//   #/caseload              the user's flagged pupils and referrals
//   #/passport              check a skills passport (employers, no login)
//   #/login                 log in (#/login?next=/school/URN/pupils)
export function parseRoute(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [pathPart, queryPart = ''] = raw.split('?');
  const query = new URLSearchParams(queryPart);
  const parts = pathPart.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts.length === 0) return { name: 'find', query };
  if (parts[0] === 'school' && parts.length === 2) return { name: 'school', urn: parts[1], query };
  if (parts[0] === 'school' && parts.length === 3 && parts[2] === 'pupils') return { name: 'pupils', urn: parts[1], query };
  if (parts[0] === 'school' && parts.length === 3 && parts[2] === 'measures') return { name: 'school-measures', urn: parts[1], query };
  if (parts[0] === 'measures' && parts.length === 1) return { name: 'measures', query };
  if (parts[0] === 'la' && parts.length === 2) return { name: 'la', code: parts[1], query };
  if (parts[0] === 'school' && parts.length === 3 && parts[2] === 'voice') return { name: 'voice', kind: 'school', id: parts[1], query };
  if (parts[0] === 'la' && parts.length === 3 && parts[2] === 'voice') return { name: 'voice', kind: 'la', id: parts[1], query };
  if (parts[0] === 'trust' && parts.length === 2) return { name: 'trust', id: parts[1], query };
  if (parts[0] === 'places' && parts.length === 1) return { name: 'places', query };
  if (parts[0] === 'region' && parts.length === 2) return { name: 'region', code: parts[1], query };
  if (parts[0] === 'england' && parts.length === 1) return { name: 'england', query };
  if (parts[0] === 'place' && parts.length === 2) return { name: 'place', code: parts[1], query };
  if (parts[0] === 'caseload' && parts.length === 1) return { name: 'caseload', query };
  if (parts[0] === 'passport' && parts.length === 1) return { name: 'passport', query };
  if (parts[0] === 'login' && parts.length === 1) return { name: 'login', query };
  return { name: 'notfound', query };
}

export function navigate(path) {
  window.location.hash = `#${path}`;
}

function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function focusMain() {
  const h1 = document.querySelector('main h1');
  const target = h1 || document.getElementById('main');
  if (target) target.focus({ preventScroll: false });
}

function Header({ user }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const onLogOut = async () => {
    setBusy(true);
    setMessage('');
    const r = await logOut();
    setBusy(false);
    if (!r.ok && r.status !== 401) setMessage(r.error);
    else {
      setMessage('');
      const live = document.getElementById('announce');
      if (live) live.textContent = 'You have logged out.';
    }
  };
  return (
    <header class="site-header">
      <div class="wrap header-inner">
        <a class="brand" href="#/">
          <span class="brand-mark" aria-hidden="true">◆</span> Lantern
        </a>
        <nav aria-label="Main">
          <ul class="nav-list">
            <li>
              <a href="#/">Find a school</a>
            </li>
            <li>
              <a href="#/measures">P8 and P5</a>
            </li>
            <li>
              <a href="#/places">Places</a>
            </li>
            <li>
              <a href="#/passport">Check a skills passport</a>
            </li>
            {user && ['school', 'trust', 'la'].includes(user.role) ? (
              <li>
                <a href="#/caseload">Caseload</a>
              </li>
            ) : null}
            {user ? (
              <li class="user">
                <span>
                  Logged in as <strong data-testid="username">{user.username}</strong>
                  <span class="muted"> ({user.role}{user.scope ? ` ${user.scope}` : ''})</span>
                </span>
                <button type="button" class="button secondary small" onClick={onLogOut} disabled={busy}>
                  Log out
                </button>
              </li>
            ) : (
              <li>
                <a href="#/login">Log in</a>
              </li>
            )}
          </ul>
        </nav>
      </div>
      {message ? (
        <p class="wrap error-text" role="alert">
          {message}
        </p>
      ) : null}
    </header>
  );
}

export function App() {
  const route = useRoute();
  const { user, known } = useSession();
  const [health, setHealth] = useState(null);
  const first = useRef(true);

  useEffect(() => {
    loadSession();
    api('/api/v1/health').then((r) => {
      if (r.ok && r.data) setHealth(r.data);
    });
  }, []);

  // A new page: move focus to its heading (not on the first load, so the
  // skip link stays the first stop) and say so to screen readers.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(focusMain, 0);
    return () => clearTimeout(t);
  }, [route.name, route.urn, route.code, route.id, route.kind]);

  let page;
  switch (route.name) {
    case 'find':
      page = <FindPage query={route.query.get('q') || ''} />;
      break;
    case 'school':
      page = <SchoolPage urn={route.urn} user={user} key={`s${route.urn}`} />;
      break;
    case 'pupils':
      page = <PupilsPage urn={route.urn} user={user} known={known} key={`p${route.urn}`} />;
      break;
    case 'school-measures':
      page = <SchoolMeasuresPage urn={route.urn} key={`m${route.urn}`} />;
      break;
    case 'measures':
      page = <MeasuresComparisonPage />;
      break;
    case 'la':
      page = <AreaPage kind="la" id={route.code} key={`la${route.code}`} />;
      break;
    case 'trust':
      page = <AreaPage kind="trust" id={route.id} key={`t${route.id}`} />;
      break;
    case 'places':
      page = <PlacesPage />;
      break;
    case 'region':
      page = <PlacePage level="region" code={route.code} key={`r${route.code}`} />;
      break;
    case 'england':
      page = <PlacePage level="england" key="england" />;
      break;
    case 'place':
      page = <PlacePage level="place" code={route.code} key={`pl${route.code}`} />;
      break;
    case 'caseload':
      page = <CaseloadPage user={user} known={known} />;
      break;
    case 'voice':
      page = <VoicePage kind={route.kind} id={route.id} key={`v${route.kind}${route.id}`} />;
      break;
    case 'passport':
      page = <PassportPage />;
      break;
    case 'login':
      page = <LoginPage user={user} next={route.query.get('next') || ''} />;
      break;
    default:
      page = <NotFound />;
  }

  return (
    <>
      <SkipLink />
      <Header user={user} />
      {health && health.scorecard === 'computing' ? (
        <p class="banner wrap" role="status">
          The published figures are being computed; pages fill in when they are ready.
        </p>
      ) : null}
      <main id="main" tabIndex={-1} class="wrap">
        {page}
      </main>
      <Footer health={health} />
      <div id="announce" class="vh" aria-live="polite" />
    </>
  );
}

function NotFound() {
  useEffect(() => {
    document.title = 'Page not found – Lantern';
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at this address. <a href="#/">Find a school, trust or local authority</a>.
      </p>
    </>
  );
}
