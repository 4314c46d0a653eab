// #/school/URN: the scorecard against the API's JSON, symbols, downloads,
// the keyboard, axe, 375 px, print.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  sharedTargetAndBrowser, newPage, open, getJson, knownSchool, tabThrough, seriousViolations, screenshot, fmt, SYMBOL_TEXT, webDir, cutChartText,
} from './helpers.mjs';
import { spawn } from 'node:child_process';
import path from 'node:path';

const shared = sharedTargetAndBrowser(setUp);

let urn;
let card;
let indicators;

const isMain = (r) => (r.pupil_group || 'all_pupils') === 'all_pupils' && (!r.breakdown || r.breakdown === 'Total');
const unitSuffix = (u) => (!u ? '' : u === '%' ? '%' : `\u00a0${u}`);

// After the target and the browser have started.
async function setUp() {
  urn = await knownSchool(shared.target.url);
  card = (await getJson(shared.target.url, `/api/v1/schools/${urn}/scorecard`)).data;
  const raw = (await getJson(shared.target.url, '/api/v1/indicators')).data;
  indicators = Array.isArray(raw) ? Object.fromEntries(raw.map((x) => [x.id, x])) : raw;
}

async function openSchool(page, route = `/school/${urn}`) {
  await open(page, shared.target.url, route, '[data-testid=scorecard]');
  // Charts are drawn once Plot has loaded.
  await page.waitForSelector('[data-chart] svg', { timeout: 30000 }).catch(() => {});
}

test('the page shows the figures the API returned', async () => {
  const page = await newPage(shared.browser);
  await openSchool(page);
  assert.equal((await page.locator('[data-testid=school-name]').innerText()).trim(), card.school_name || `School ${urn}`);
  const facts = await page.locator('[data-testid=school-facts]').innerText();
  assert.ok(facts.includes(String(urn)), 'the URN');
  if (card.la_name) assert.ok(facts.includes(card.la_name), 'the LA');
  if (card.sources) assert.ok(facts.includes(card.sources), 'the sources text');
  if (card.time_period) assert.ok(facts.includes(`${card.time_period.slice(0, 4)}/${card.time_period.slice(4)}`), 'the time period');

  const ids = Object.keys(card.indicators);
  let numbers = 0;
  let symbols = 0;
  for (const id of ids) {
    const main = card.indicators[id].find(isMain) || card.indicators[id][0];
    const meta = indicators[id] || {};
    const shown = (await page.locator(`[data-testid=indicator][data-indicator="${id}"] [data-field=value]`).first().innerText()).trim();
    if (typeof main.value === 'number') {
      assert.equal(shown, fmt(main.value, meta.decimal_places ?? 1) + unitSuffix(meta.unit), `${id}: the value`);
      numbers++;
    } else {
      assert.equal(shown, SYMBOL_TEXT[main.value], `${id}: the symbol ${main.value} in words, never a number`);
      symbols++;
    }
  }
  assert.ok(numbers > 0, 'some indicator has a number');
  // The first indicator's 95% range and similar schools' figure, in its table.
  const first = ids.find((id) => typeof (card.indicators[id].find(isMain) || {}).lower === 'number');
  if (first) {
    const main = card.indicators[first].find(isMain);
    const dp = indicators[first]?.decimal_places ?? 1;
    const range = await page.locator(`[data-indicator="${first}"] [data-field=range]`).first().innerText();
    assert.equal(range.trim(), `${fmt(main.lower, dp)} to ${fmt(main.upper, dp)}`);
    const table = await page.locator(`[data-indicator="${first}"] [data-testid=comparison-table] table`).innerText();
    if (typeof main.similar_schools?.value === 'number') assert.ok(table.includes(fmt(main.similar_schools.value, dp)), 'similar schools figure in the table');
    if (typeof main.england?.value === 'number') assert.ok(table.includes(fmt(main.england.value, dp)), 'England figure in the table');
  }
  // A withheld figure carries its explanation.
  const withheld = page.locator('abbr[data-symbol=c]').first();
  if ((await withheld.count()) > 0) assert.match(await withheld.getAttribute('title'), /protect pupils/);

  // Lines of enquiry: every one in the JSON is in words at the top.
  const enquiries = ids.flatMap((id) => card.indicators[id].filter((r) => r.enquiry === 'higher' || r.enquiry === 'lower'));
  const shownEnquiries = await page.locator('[data-testid=enquiry]').allInnerTexts();
  assert.equal(shownEnquiries.length, enquiries.length, 'one line per enquiry');
  for (const e of enquiries) assert.ok(shownEnquiries.some((t) => t.includes(e.enquiry_text)), `the enquiry text: ${e.enquiry_text}`);
  if (enquiries.length === 0) assert.equal(await page.locator('[data-testid=no-enquiry]').count(), 1);

  // Every chart has its table beside it.
  const charts = await page.locator('[data-chart]').count();
  const chartsWithTable = await page.locator('.card-body:has([data-chart]) .table-block').count();
  assert.ok(charts > 0);
  assert.equal(chartsWithTable, charts, 'a table beside every chart');

  // The similar schools, linked, in the order given.
  const similar = await page.$$eval('[data-testid=similar-list] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(similar, card.similar_schools.map((s) => `#/school/${s.school_urn}`));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a table downloads as CSV and JSON made in the browser; the workbook link', async () => {
  const page = await newPage(shared.browser);
  await openSchool(page);
  const id = Object.keys(card.indicators).find((k) => typeof (card.indicators[k].find(isMain) || {}).value === 'number' && (card.indicators[k].find(isMain) || {}).lower !== undefined);
  const main = card.indicators[id].find(isMain);
  const block = page.locator(`[data-indicator="${id}"] [data-testid=comparison-table]`);
  const [csv] = await Promise.all([page.waitForEvent('download'), block.getByRole('button', { name: /Download CSV/ }).click()]);
  const text = fs.readFileSync(await csv.path(), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'comparator,value,lower_95,upper_95,lower_99_8,upper_99_8,schools,difference,difference_lower,difference_upper,note,source');
  assert.ok(lines[1].startsWith(`This school,${main.value},${main.lower},${main.upper},`), lines[1]);
  const [json] = await Promise.all([page.waitForEvent('download'), block.getByRole('button', { name: /Download JSON/ }).click()]);
  const rows = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.equal(rows[0].value, main.value);
  assert.equal(rows[1].comparator, 'Similar schools');

  const href = await page.locator('[data-testid=xlsx]').getAttribute('href');
  assert.equal(href, `/api/v1/schools/${urn}/scorecard.xlsx`);
  if (!shared.target.mock) {
    const r = await fetch(new URL(href.slice(1), shared.target.url));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
  }
  await page.context().close();
});

test('every control is reachable by Tab with a visible focus; axe finds nothing serious; screenshot', async () => {
  const page = await newPage(shared.browser);
  await openSchool(page);
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  assert.deepEqual(kb.noFocusStyle, [], 'every focused control shows its focus');
  // A group panel opens from the keyboard.
  const summary = page.locator('details.group-panel > summary').first();
  if ((await summary.count()) > 0) {
    await summary.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('details.group-panel').first().evaluate((d) => d.open), true);
    await page.waitForSelector('details.group-panel[open] [data-chart] svg, details.group-panel[open] .not-plotted');
  }
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'school');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('at 375 px wide the school page has no horizontal scroll', async () => {
  const page = await newPage(shared.browser, { width: 375, height: 812 });
  await openSchool(page);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  await page.waitForTimeout(500);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  assert.ok(scrollWidth <= clientWidth, `scrollWidth ${scrollWidth} > ${clientWidth}`);
  // Every chart's labels whole and inside it (the groups' above their rows).
  assert.ok((await page.locator('details.group-panel[open] [data-chart] svg').count()) > 0, 'a group chart drawn');
  assert.deepEqual(await cutChartText(page), []);
  await screenshot(page, 'school-375');
  await page.context().close();
});

test('the print stylesheet hides the site chrome and the buttons', async () => {
  const page = await newPage(shared.browser);
  await openSchool(page);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.locator('.downloads').first().isVisible(), false);
  assert.equal(await page.locator('[data-testid=scorecard] h1').isVisible(), true);
  await screenshot(page, 'school-print');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  fs.writeFileSync(path.join(webDir, 'test-results', 'school.pdf'), pdf);
  assert.ok(pdf.length > 10000);
  await page.context().close();
});

// The real server computes too fast to catch: this one runs against the mock, which
// answers 503 for its first seconds as the server does while it computes.
test('while the server computes, the page shows its message and tries again', async () => {
  const child = spawn(process.execPath, [path.join(webDir, 'dev', 'mock-server.mjs'), '--port', '0', '--computing-seconds', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const m = String(d).match(/listening on (http:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      child.on('exit', reject);
    });
    const page = await newPage(shared.browser);
    await page.goto(`${url}#/school/${urn}`);
    await page.waitForSelector('[data-testid=loading]');
    await page.waitForFunction(() => /being computed/.test(document.querySelector('[data-testid=loading]')?.textContent || ''));
    await page.waitForSelector('[data-testid=scorecard]', { timeout: 15000 });
    await page.context().close();
  } finally {
    child.kill('SIGTERM');
  }
});
