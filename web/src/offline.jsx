// The offline copy of a school's scorecard: this entry (offline.html) is
// built as ONE self-contained file, web/dist-single/scorecard.html (see
// vite.config.js, mode "single"). `lantern scorecard --pages` writes one copy
// per school with, in place of the marker in
//   <script type="application/json" id="lantern-offline">MARKER</script>
// the JSON object {"scorecard": <GET /api/v1/schools/URN/scorecard>,
// "indicators": <GET /api/v1/indicators>, "generated": "<where and when>"}
// and, optionally, "pages": [URNs of the similar schools whose copies are in
// the same folder] (without it, every similar school is linked).
//
// It draws the same page as the web app's #/school/URN from that JSON and
// makes no request of any kind (it is opened from file://): no login, search,
// pupils or workbook; the similar schools link to ./URN.html beside it.
import { render } from 'preact';
import { Scorecard } from './pages/School.jsx';
import { Footer } from './components/Footer.jsx';
import { SkipLink } from './components/SkipLink.jsx';
import './styles.css';

// What the file holds: { kind: 'data', data } | { kind: 'template' } |
// { kind: 'broken', reason }. The untouched template still holds the marker
// (never spelt out here: the built file must hold it exactly once); anything
// that is not a JSON object counts as the template.
export function readOffline(doc = document) {
  const el = doc.getElementById('lantern-offline');
  const text = el ? el.textContent.trim() : '';
  if (!text.startsWith('{')) return { kind: 'template' };
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { kind: 'broken', reason: `its data is not valid JSON (${e && e.message ? e.message : e})` };
  }
  if (!data || typeof data !== 'object' || !data.scorecard || typeof data.scorecard !== 'object' || Array.isArray(data.scorecard)) {
    return { kind: 'broken', reason: 'its data holds no school scorecard' };
  }
  return { kind: 'data', data };
}

function OfflineHeader() {
  return (
    <header class="site-header">
      <div class="wrap header-inner">
        <span class="brand">
          <span class="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Lantern
        </span>
        <p class="offline-tag" data-testid="offline-tag">
          Offline copy: no search, no login
        </p>
      </div>
    </header>
  );
}

function Page({ children, health }) {
  return (
    <>
      <SkipLink />
      <OfflineHeader />
      <main id="main" tabIndex={-1} class="wrap">
        {children}
      </main>
      <Footer health={health} />
    </>
  );
}

function OfflineApp({ data }) {
  const sc = data.scorecard;
  const generated = typeof data.generated === 'string' ? data.generated.trim() : '';
  const pages = Array.isArray(data.pages) ? new Set(data.pages.map(String)) : null;
  const health = { time_period: sc.time_period, mode: sc.mode === 'open data' ? 'open-data' : sc.mode };
  return (
    <Page health={health}>
      <p class="offline-note" data-testid="offline-note">
        Offline copy made by lantern scorecard{generated ? ` on ${generated}` : ''}. It shows the figures as they were then; the similar
        schools’ links open their copies in the same folder.
      </p>
      <Scorecard data={sc} indicatorsRaw={data.indicators && typeof data.indicators === 'object' ? data.indicators : null} urn={sc.school_urn} offline pages={pages} />
    </Page>
  );
}

function Template() {
  document.title = 'Lantern scorecard: the offline template';
  return (
    <Page health={null}>
      <h1 tabIndex={-1}>The offline scorecard template</h1>
      <p data-testid="template">
        This file is a template: it holds no school’s figures. <code>lantern scorecard --pages</code> writes one copy of it per school, with
        that school’s figures inside, as <code>scorecards/URN.html</code>.
      </p>
    </Page>
  );
}

function Broken({ reason }) {
  document.title = 'Lantern scorecard: cannot be shown';
  return (
    <Page health={null}>
      <h1 tabIndex={-1}>This scorecard cannot be shown</h1>
      <p class="problem" role="alert" data-testid="problem">
        The file was not written whole: {reason}. Make it again with <code>lantern scorecard --pages</code>.
      </p>
    </Page>
  );
}

const found = readOffline();
const root = document.getElementById('app');
if (found.kind === 'data') render(<OfflineApp data={found.data} />, root);
else if (found.kind === 'template') render(<Template />, root);
else render(<Broken reason={found.reason} />, root);
