// The offline copy: dist-single/scorecard.html (`npm run build`) filled in as
// `lantern scorecard --pages` does (the school's JSON in place of the marker,
// every "</" written "<\/"), written as URN.html and opened from file:// in
// Chromium: no request leaves the page, no console error, the figures equal
// the JSON, the similar schools are sibling files, axe, print, downloads; and
// the untouched template says it is one.
//
// The JSON is the target's (the mock's, or LANTERN_URL's): the API's shape,
// which is what lantern scorecard writes as scorecards/URN.json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  sharedTargetAndBrowser, newPage, getJson, knownSchool, tabThrough, seriousViolations, screenshot, fmt, SYMBOL_TEXT, webDir, resultsDir,
} from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

const MARKER = '__LANTERN_OFFLINE_DATA__';
const templateFile = path.join(webDir, 'dist-single', 'scorecard.html');

let urn;
let card;
let indicatorsRaw;
let indicators;
let template;
let dir;

const isMain = (r) => (r.pupil_group || 'all_pupils') === 'all_pupils' && (!r.breakdown || r.breakdown === 'Total');
const unitSuffix = (u) => (!u ? '' : u === '%' ? '%' : `\u00a0${u}`);
const GENERATED = 'lantern-test.example, 2025-01-31 09:30 UTC (store /tmp/store)';

// After the target and the browser have started.
async function setUp() {
  template = fs.readFileSync(templateFile, 'utf8');
  urn = await knownSchool(shared.target.url);
  card = (await getJson(shared.target.url, `/api/v1/schools/${urn}/scorecard`)).data;
  indicatorsRaw = (await getJson(shared.target.url, '/api/v1/indicators')).data;
  indicators = Array.isArray(indicatorsRaw) ? Object.fromEntries(indicatorsRaw.map((x) => [x.id, x])) : indicatorsRaw;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-offline-'));
}
after(async () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// The template filled in as the C++ side does it. (A function as the
// replacement: "$&" in the data must stay as it is.)
function fill(data) {
  const text = typeof data === 'string' ? data : JSON.stringify(data).replace(/<\//g, '<\\/');
  const i = template.indexOf(MARKER);
  assert.ok(i >= 0, 'the marker is in the template');
  return template.slice(0, i) + text + template.slice(i + MARKER.length);
}

function writePage(name, html) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, html);
  return file;
}

// Opens a file and records every request the page makes.
async function openFile(file, { width, height, allowBlob = false, wait = '[data-testid=scorecard]' } = {}) {
  const page = await newPage(shared.browser, { width, height });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  page.offRequests = () => requests.filter((u) => !(u === url || u.startsWith(`${url}#`) || u.startsWith('data:') || (allowBlob && u.startsWith('blob:'))));
  await page.goto(url);
  await page.waitForSelector(wait, { timeout: 30000 });
  if (wait === '[data-testid=scorecard]') await page.waitForSelector('[data-chart] svg', { timeout: 30000 });
  return page;
}

test('the template is one file: everything inlined, the marker exactly once in its script element', () => {
  assert.equal(template.split(MARKER).length - 1, 1, 'the marker once');
  assert.ok(template.includes(`<script type="application/json" id="lantern-offline">${MARKER}</script>`), 'the marker in its element');
  assert.doesNotMatch(template, /<script\b[^>]*\bsrc=/i, 'no external script');
  assert.doesNotMatch(template, /<link\b[^>]*\brel="?(stylesheet|modulepreload|preload)/i, 'no external stylesheet or preload');
  // The markup outside the inlined script and style refers to no other file.
  const markup = template.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/g, '');
  for (const m of markup.matchAll(/\b(?:src|href)="([^"]*)"/g)) assert.match(m[1], /^(data:|#)/, `a reference to another file: ${m[0]}`);
  const css = [...template.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n');
  assert.ok(css.length > 1000, 'the stylesheet is inlined');
  assert.doesNotMatch(css, /@import|url\((?!["']?(data:|#))/, 'no CSS import or url() of a file');
  // The one script and the data element: nothing else can end them early.
  const dataEl = template.indexOf('<script type="application/json" id="lantern-offline">');
  const modules = [...template.matchAll(/<script type="module">/g)];
  assert.equal(modules.length, 1, 'one inline module script');
  assert.ok(dataEl > 0);
  const size = fs.statSync(templateFile).size;
  console.log(`# dist-single/scorecard.html: ${size} bytes`);
  assert.ok(size < 1_500_000, `${size} bytes`);
});

test('the untouched template loads without an error and says it is a template', async () => {
  const file = writePage('template.html', template);
  const page = await openFile(file, { wait: '[data-testid=template]' });
  assert.match(await page.locator('[data-testid=template]').innerText(), /template/);
  assert.match(await page.locator('h1').innerText(), /template/i);
  assert.deepEqual(page.offRequests(), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A file cut short says so, again without a script error.
  const broken = writePage('broken.html', fill('{"scorecard": {"school_urn": 1'));
  const p2 = await openFile(broken, { wait: '[data-testid=problem]' });
  assert.match(await p2.locator('[data-testid=problem]').innerText(), /not written whole/);
  assert.deepEqual(p2.errors, []);
  await p2.context().close();
});

test('from file://: the figures equal the JSON, no request leaves the page, no login, search, pupils or workbook', async () => {
  const file = writePage(`${urn}.html`, fill({ scorecard: card, indicators: indicatorsRaw, generated: GENERATED }));
  const page = await openFile(file);
  assert.equal((await page.locator('[data-testid=school-name]').innerText()).trim(), card.school_name || `School ${urn}`);
  const note = await page.locator('[data-testid=offline-note]').innerText();
  assert.ok(note.includes(`Offline copy made by lantern scorecard on ${GENERATED}`), note);
  const facts = await page.locator('[data-testid=school-facts]').innerText();
  assert.ok(facts.includes(String(urn)), 'the URN');
  if (card.la_name) assert.ok(facts.includes(card.la_name), 'the LA');
  if (card.time_period) assert.ok(facts.includes(`${card.time_period.slice(0, 4)}/${card.time_period.slice(4)}`), 'the time period');

  // The headline figure of every indicator.
  let numbers = 0;
  for (const id of Object.keys(card.indicators)) {
    const main = card.indicators[id].find(isMain) || card.indicators[id][0];
    const meta = indicators[id] || {};
    const shown = (await page.locator(`[data-testid=indicator][data-indicator="${id}"] [data-field=value]`).first().innerText()).trim();
    if (typeof main.value === 'number') {
      assert.equal(shown, fmt(main.value, meta.decimal_places ?? 1) + unitSuffix(meta.unit), `${id}: the value`);
      numbers++;
    } else {
      assert.equal(shown, SYMBOL_TEXT[main.value], `${id}: the symbol ${main.value} in words`);
    }
  }
  assert.ok(numbers > 0, 'some indicator has a number');
  const first = Object.keys(card.indicators).find((id) => typeof (card.indicators[id].find(isMain) || {}).lower === 'number');
  if (first) {
    const main = card.indicators[first].find(isMain);
    const dp = indicators[first]?.decimal_places ?? 1;
    assert.equal((await page.locator(`[data-indicator="${first}"] [data-field=range]`).first().innerText()).trim(), `${fmt(main.lower, dp)} to ${fmt(main.upper, dp)}`);
  }
  const enquiries = Object.values(card.indicators).flat().filter((r) => r.enquiry === 'higher' || r.enquiry === 'lower');
  assert.equal(await page.locator('[data-testid=enquiry]').count(), enquiries.length, 'one line per enquiry');
  assert.ok((await page.locator('[data-chart] svg').count()) > 0, 'the charts are drawn (Plot is inlined)');

  // Offline: no login, no search, no pupils, no workbook; the LA and trust are text.
  assert.equal(await page.locator('a[href*="login"], a[href^="#/"], input[type=search], [data-testid=xlsx]').count(), 0);
  assert.equal(await page.locator('a[href*="pupils"], a[href*="/api/"]').count(), 0);
  assert.equal(await page.getByText('Offline copy', { exact: false }).first().isVisible(), true);

  // The similar schools are the sibling files.
  const similar = await page.$$eval('[data-testid=similar-list] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(similar, card.similar_schools.map((s) => `./${s.school_urn}.html`));
  assert.ok(similar.length > 0, 'some similar school');

  assert.deepEqual(page.offRequests(), [], 'no request leaves the page');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('offline: every control is reachable by Tab; axe finds nothing serious; screenshot', async () => {
  const file = writePage(`${urn}.html`, fill({ scorecard: card, indicators: indicatorsRaw, generated: GENERATED }));
  const page = await openFile(file);
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  assert.deepEqual(kb.noFocusStyle, [], 'every focused control shows its focus');
  const summary = page.locator('details.group-panel > summary').first();
  if ((await summary.count()) > 0) {
    await summary.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('details.group-panel[open] [data-chart] svg, details.group-panel[open] .not-plotted');
  }
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'offline');
  assert.deepEqual(page.offRequests(), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('offline: a similar school’s link opens its file in the same folder', async () => {
  // A similar school the target has a scorecard for; else (similar schools
  // come from all England, the generated data is one LA) the first one, its
  // page made from this school's figures under its URN and a name of its own.
  const urns = card.similar_schools.map((s) => s.school_urn).filter((u) => u !== urn);
  let other = null;
  let otherCard = null;
  for (const u of urns) {
    const r = await getJson(shared.target.url, `/api/v1/schools/${u}/scorecard`);
    if (r.status === 200) {
      other = u;
      otherCard = r.data;
      break;
    }
  }
  if (!otherCard) {
    other = urns[0];
    otherCard = { ...card, school_urn: other, school_name: `Similar school ${other}` };
  }
  writePage(`${other}.html`, fill({ scorecard: otherCard, indicators: indicatorsRaw, generated: GENERATED }));
  const file = writePage(`${urn}.html`, fill({ scorecard: card, indicators: indicatorsRaw, generated: GENERATED }));
  const page = await openFile(file);
  await Promise.all([page.waitForURL(`**/${other}.html`), page.locator(`[data-testid=similar-list] a[href="./${other}.html"]`).click()]);
  await page.waitForSelector('[data-testid=scorecard]');
  assert.equal((await page.locator('[data-testid=school-name]').innerText()).trim(), otherCard.school_name || `School ${other}`);
  assert.equal((await page.locator('[data-field=urn]').innerText()).trim(), String(other));
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // With "pages" (the similar schools that have a copy), the others are text.
  const some = writePage(`${urn}.html`, fill({ scorecard: card, indicators: indicatorsRaw, generated: GENERATED, pages: [other] }));
  const p2 = await openFile(some);
  assert.deepEqual(await p2.$$eval('[data-testid=similar-list] a', (as) => as.map((a) => a.getAttribute('href'))), [`./${other}.html`]);
  assert.equal(await p2.locator('[data-testid=similar-list] li').count(), card.similar_schools.length, 'every similar school is still listed');
  assert.deepEqual(p2.errors, []);
  await p2.context().close();
});

test('offline: CSV and JSON downloads are made in the browser; the print stylesheet', async () => {
  const file = writePage(`${urn}.html`, fill({ scorecard: card, indicators: indicatorsRaw, generated: GENERATED }));
  const page = await openFile(file, { allowBlob: true });
  const id = Object.keys(card.indicators).find((k) => typeof (card.indicators[k].find(isMain) || {}).value === 'number' && (card.indicators[k].find(isMain) || {}).lower !== undefined);
  const main = card.indicators[id].find(isMain);
  const block = page.locator(`[data-indicator="${id}"] [data-testid=comparison-table]`);
  const [csv] = await Promise.all([page.waitForEvent('download'), block.getByRole('button', { name: /Download CSV/ }).click()]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
  assert.ok(lines[1].startsWith(`This school,${main.value},${main.lower},${main.upper},`), lines[1]);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all figures (JSON)' }).click()]);
  assert.deepEqual(JSON.parse(fs.readFileSync(await json.path(), 'utf8')), card, 'the whole JSON, as it was inlined');

  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.locator('.downloads').first().isVisible(), false);
  assert.equal(await page.locator('[data-testid=offline-note]').isVisible(), true, 'the note prints');
  assert.equal(await page.locator('[data-testid=scorecard] h1').isVisible(), true);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'offline.pdf'), pdf);
  assert.ok(pdf.length > 10000);
  assert.deepEqual(page.offRequests(), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('offline: text that would end a script element stays text', async () => {
  const name = 'Zeta & "Sons" <Academy> </script><script>window.bad=1</script> $& $1';
  const data = { scorecard: { ...card, school_name: name }, indicators: indicatorsRaw, generated: `${GENERATED} </script>` };
  const file = writePage('hostile.html', fill(data));
  const page = await openFile(file);
  assert.equal((await page.locator('[data-testid=school-name]').innerText()).trim(), name);
  assert.equal(await page.evaluate(() => window.bad), undefined);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
