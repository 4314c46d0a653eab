// Shared set-up for the web tests (node --test, playwright-core, axe).
//
// The target: LANTERN_URL (a running `lantern serve`, e.g.
// http://127.0.0.1:8080) or, when unset, the development mock started here
// on a free port. Accounts for the pupil and login tests:
//   LANTERN_TEST_USER / LANTERN_TEST_PASSWORD   a school user (default head / demo-password-1)
//   LANTERN_TEST_OTHER_USER / LANTERN_TEST_OTHER_PASSWORD
//                                               a user NOT entitled to that school's pupils
//                                               (default nobody / demo-password-2)
//   LANTERN_TEST_URN     the known school (default: the school user's scope)
// or, when those are unset, the LANTERN_DEMO_* variables of
// scripts/demo-accounts (demo-school, demo-national, their password).
// Chromium: CHROMIUM_PATH (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import AxeBuilderModule from '@axe-core/playwright';

const AxeBuilder = AxeBuilderModule.default || AxeBuilderModule;
const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '..');
export const resultsDir = path.join(webDir, 'test-results');

// The LANTERN_DEMO_* variables are those scripts/demo-accounts writes
// (STORE/demo-accounts.env): its school user, and its national user (who
// sees no pupil) as the one not entitled.
const env = process.env;
export const creds = {
  user: env.LANTERN_TEST_USER || env.LANTERN_DEMO_SCHOOL_USER || 'head',
  password: env.LANTERN_TEST_PASSWORD || env.LANTERN_DEMO_PASSWORD || 'demo-password-1',
  otherUser: env.LANTERN_TEST_OTHER_USER || env.LANTERN_DEMO_NATIONAL_USER || 'nobody',
  otherPassword: env.LANTERN_TEST_OTHER_PASSWORD || env.LANTERN_DEMO_PASSWORD || 'demo-password-2',
};

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Starts (or finds) the server; resolves to { url, stop }.
export async function startTarget() {
  if (process.env.LANTERN_URL) {
    const url = process.env.LANTERN_URL.replace(/\/?$/, '/');
    await waitReady(url);
    return { url, stop: async () => {}, mock: false };
  }
  const child = spawn(process.execPath, [path.join(webDir, 'dev', 'mock-server.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the mock did not start in 120 s')), 120000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/?$/, '/'));
      }
    });
    child.on('exit', (code) => reject(new Error(`the mock exited (${code})`)));
  });
  await waitReady(url);
  return {
    url,
    mock: true,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

async function waitReady(url) {
  const deadline = Date.now() + 300000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(new URL('api/v1/health', url));
      const h = await r.json();
      if (h.scorecard === 'ready') return h;
      if (h.scorecard === 'failed') throw new Error('the server failed to compute its figures');
      last = JSON.stringify(h);
    } catch (e) {
      if (String(e.message).includes('failed to compute')) throw e;
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the server at ${url} was not ready in 300 s (${last})`);
}

export async function getJson(base, p, init) {
  const r = await fetch(new URL(p.replace(/^\//, ''), base), init);
  const text = await r.text();
  return { status: r.status, data: text ? JSON.parse(text) : null, headers: r.headers };
}

// The known school: LANTERN_TEST_URN, else the test user's scope (a school
// user), else the first search result.
export async function knownSchool(base) {
  const fixed = env.LANTERN_TEST_URN || env.LANTERN_DEMO_SCHOOL_URN;
  if (fixed) return Number(fixed);
  const login = await fetch(new URL('api/v1/session', base), {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: creds.user, password: creds.password }),
  });
  if (login.ok) {
    const s = await login.json();
    // Log this API session out again (it is not the browser's).
    const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
    await fetch(new URL('api/v1/session', base), { method: 'DELETE', headers: { Cookie: cookie, 'X-CSRF-Token': s.csrf_token } });
    if (s.role === 'school' && /^\d+$/.test(s.scope)) return Number(s.scope);
  }
  const r = await getJson(base, '/api/v1/schools?q=&limit=1');
  return r.data.results[0].urn;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// The target and the browser one test file shares, started before its tests
// and stopped after them: `shared.target` and `shared.browser`. A file's own
// set-up goes in `setUp`, run once both have started (Node 20 starts a
// file's top-level before hooks together, so a second hook could not rely
// on the first).
export function sharedTargetAndBrowser(setUp) {
  const shared = { target: undefined, browser: undefined };
  before(async () => {
    shared.target = await startTarget();
    shared.browser = await launch();
    if (setUp) await setUp();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.target?.stop();
  });
  return shared;
}

// A page that fails the test on any console error or uncaught exception.
export async function newPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403|404|503)/.test(m.text())) {
      page.errors.push(`console error: ${m.text()}`);
    }
  });
  return page;
}

export async function screenshot(page, name) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Whether the focus reaches an element matching `selector` (or inside one)
// within a few seconds: a page moves it after the render that shows the
// element, so a check made at once can run before it on a busy machine.
export async function focusReaches(page, selector, timeout = 5000) {
  return page
    .waitForFunction((sel) => document.activeElement && document.activeElement.closest(sel) !== null, selector, { timeout })
    .then(() => true, () => false);
}

// The text of the charts under `scope` that is cut ("…") or drawn outside
// its chart (left, right, above or below), [{ text, chart }]: none, where
// every label is whole.
export async function cutChartText(page, scope = 'body') {
  return page.$$eval(`${scope} [data-chart] svg`, (svgs) =>
    svgs.flatMap((svg, chart) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')]
        .filter((x) => {
          const b = x.getBoundingClientRect();
          if (b.width === 0 && b.height === 0) return false;  // not drawn (a closed panel)
          return (
            x.textContent.includes('…') ||
            b.left < box.left - 0.5 ||
            b.right > box.right + 0.5 ||
            b.top < box.top - 0.5 ||
            b.bottom > box.bottom + 0.5
          );
        })
        .map((x) => ({ text: x.textContent, chart }));
    }),
  );
}

// axe with the WCAG 2.0/2.1/2.2 A and AA rules; returns the violations of
// impact serious or critical.
export async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`);
}

// Every visible control that a keyboard user must be able to reach.
async function visibleControls(page) {
  return page.evaluate(() => {
    const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const out = [];
    let i = 0;
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const hidden = style.visibility === 'hidden' || style.display === 'none' || (r.width === 0 && r.height === 0);
      // A control inside a closed <details> (other than its summary) is not reachable until it is opened.
      const closed = el.closest('details:not([open])');
      if (hidden || (closed && el.tagName !== 'SUMMARY')) continue;
      el.setAttribute('data-kb-id', String(i++));
      out.push({ id: el.getAttribute('data-kb-id'), text: (el.innerText || el.getAttribute('aria-label') || el.id || el.tagName).trim().slice(0, 60) });
    }
    return out;
  });
}

// Tabs through the page from the top; returns { missed, reached, noFocusStyle }:
// the visible controls never focused, how many stops were made, and the
// controls whose focus showed no outline, box-shadow or background change.
export async function tabThrough(page, { maxStops = 3000 } = {}) {
  const controls = await visibleControls(page);
  // Start from the top of the page: a temporary, unfocusable-by-Tab marker
  // before everything else.
  await page.evaluate(() => {
    const start = document.createElement('div');
    start.id = 'kb-start';
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
  });
  const seen = new Set();
  const noFocusStyle = [];
  let stops = 0;
  let firstId = null;
  for (; stops < maxStops; stops++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const visibleFocus = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
      return { id: el.getAttribute('data-kb-id'), visibleFocus, text: (el.innerText || el.id || el.tagName).trim().slice(0, 60) };
    });
    if (!info) {
      if (stops > 0) break; // left the page's controls
      continue;
    }
    if (info.id !== null && info.id === firstId) break; // wrapped round
    if (firstId === null) firstId = info.id;
    if (info.id !== null) seen.add(info.id);
    if (!info.visibleFocus) noFocusStyle.push(info.text);
  }
  await page.evaluate(() => document.getElementById('kb-start')?.remove());
  const missed = controls.filter((c) => !seen.has(c.id)).map((c) => c.text);
  return { missed, reached: seen.size, controls: controls.length, noFocusStyle };
}

// The text of a figure as the app formats it.
export function fmt(v, dp) {
  return new Intl.NumberFormat('en-GB', { minimumFractionDigits: dp, maximumFractionDigits: dp }).format(v);
}
export const SYMBOL_TEXT = { c: 'withheld', x: 'not available', z: 'not applicable' };

// Loads a route and waits for a selector.
export async function open(page, base, route, waitFor) {
  await page.goto(new URL(`#${route}`, base).toString());
  if (waitFor) await page.waitForSelector(waitFor, { timeout: 60000 });
}

// Logs in through the login page and waits for the header to name the user;
// `next` is the route the login page goes on to.
export async function logIn(page, base, user, password = creds.password, next = '') {
  await open(page, base, `/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, '#login-username');
  await page.fill('#login-username', user);
  await page.fill('#login-password', password);
  await page.locator('#login-password').press('Enter');
  await page.waitForSelector('[data-testid=username]');
}
