// #/la/CODE and #/trust/ID: schools, lines of enquiry, attendance.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sharedTargetAndBrowser, newPage, open, getJson, knownSchool, tabThrough, seriousViolations, screenshot, fmt, SYMBOL_TEXT, cutChartText } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let laCode;
let trustId;

// After the target and the browser have started.
async function setUp() {
  const urn = await knownSchool(shared.target.url);
  const card = (await getJson(shared.target.url, `/api/v1/schools/${urn}/scorecard`)).data;
  laCode = card.old_la_code;
  trustId = card.trust_id;
  if (!trustId) {
    const all = await getJson(shared.target.url, `/api/v1/schools?q=${encodeURIComponent(card.la_name || laCode)}&limit=200`);
    trustId = (all.data.results.find((s) => s.trust_id) || {}).trust_id;
  }
}

// The attendance row the page shows first: all school types, by school
// location, all enrolments.
function firstAttendanceRow(att) {
  const col = (n) => att.columns.indexOf(n);
  const rows = att.rows.filter((r) => (col('school_type') < 0 || r[col('school_type')] === 'Total') && (col('location_basis') < 0 || r[col('location_basis')] === 'School location'));
  return rows[0] ? Object.fromEntries(att.columns.map((c, i) => [c, rows[0][i]])) : null;
}

async function checkArea(page, api, kind) {
  const name = kind === 'la' ? api.la_name : api.trust_name || api.trust_id;
  assert.equal((await page.locator('[data-testid=area-name]').innerText()).trim(), name);
  // Every school, linked.
  const links = await page.$$eval('[data-testid=schools-table] tbody a[href^="#/school/"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links.slice().sort(), api.schools.map((s) => `#/school/${s.urn}`).sort());
  assert.equal(await page.locator('[data-field=school-count]').innerText(), String(api.schools.length));
  // Lines of enquiry: each school where one was raised is linked from the table.
  const raised = (api.enquiries || []).filter((e) => e.direction === 'higher' || e.direction === 'lower');
  if (raised.length === 0) {
    assert.equal(await page.locator('[data-testid=no-enquiry]').count(), 1);
  } else {
    const table = await page.locator('[data-testid=enquiry-table]').innerText();
    for (const e of raised) {
      if (e.urn !== undefined) assert.ok(await page.locator(`[data-testid=enquiry-table] a[href="#/school/${e.urn}"]`).count() > 0, `enquiry at ${e.urn} linked`);
      if (e.enquiry_text && !['c', 'x', 'z'].includes(e.enquiry_text)) assert.ok(table.includes(e.enquiry_text));
    }
  }
  // Attendance: the first row's figures, as published, rounded for reading.
  const att = api.attendance;
  if (att && att.rows && att.rows.length) {
    const row = firstAttendanceRow(att);
    await page.waitForSelector('[data-testid=attendance] [data-chart] svg', { timeout: 30000 });
    const shown = await page.locator('[data-testid=attendance-table] tbody tr').first().innerText();
    for (const k of ['enrolments', 'sess_overall_percent', 'enrolments_pa_10_exact_percent']) {
      if (!row || row[k] === undefined) continue;
      const v = row[k];
      const expected = /^-?\d+(\.\d+)?$/.test(v) ? fmt(Number(v), k === 'enrolments' ? 0 : 1) : SYMBOL_TEXT[v];
      assert.ok(shown.includes(expected), `${k}: ${expected} in "${shown}"`);
    }
    assert.ok((await page.locator('[data-testid=attendance] [data-chart] svg').count()) === 1, 'the bar chart');
    // The CSV of the table holds the published text.
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=attendance-table]').getByRole('button', { name: /Download CSV/ }).click(),
    ]);
    const csv = fs.readFileSync(await dl.path(), 'utf8').split(/\r?\n/);
    if (row) assert.ok(csv[1].includes(row.sess_overall_percent), 'published text in the CSV');
  }
}

test('the local authority page shows the API figures; keyboard; axe; screenshot', async () => {
  const api = (await getJson(shared.target.url, `/api/v1/las/${laCode}`)).data;
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=area]');
  await checkArea(page, api, 'la');
  // The filters work from the keyboard.
  if ((await page.locator('#att-basis').count()) > 0) {
    await page.locator('#att-basis').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(200);
    assert.notEqual(await page.locator('#att-basis').inputValue(), 'School location');
    await page.locator('#att-basis').selectOption('School location');
  }
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  assert.deepEqual(kb.noFocusStyle, []);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'la');
  await page.setViewportSize({ width: 375, height: 812 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal scroll at 375 px');
  await screenshot(page, 'la-375');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The attendance chart's rows are named by their pupil groups, each name
// whole (never cut to "SEN provision: SEN su…") and inside the figure: in
// the left margin on a laptop, above its bar on a phone.
test('the attendance chart names every row in full, inside the chart, on a laptop and a phone', async (t) => {
  const att = (await getJson(shared.target.url, `/api/v1/las/${laCode}`)).data.attendance;
  if (!att || !att.rows || !att.rows.length) return t.skip('no attendance rows for this LA');
  for (const width of [1280, 375]) {
    const page = await newPage(shared.browser, { width, height: 900 });
    await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=area]');
    await page.waitForSelector('[data-testid=attendance] [data-chart] svg', { timeout: 30000 });
    const groups = await page.$$eval('[data-testid=attendance-table] tbody tr th, [data-testid=attendance-table] tbody tr td:first-child', (cells) => cells.map((c) => c.textContent.trim()));
    const shown = await page.$$eval('[data-testid=attendance] [data-chart] svg text', (ts) => ts.map((x) => ({ text: x.textContent })));
    const squash = (x) => x.replace(/\s+/g, '');
    assert.ok(groups.length > 3, `${width} px: the table's groups: ${groups.join(' | ')}`);
    // Every row name in the chart (text with a letter, but the axis label)
    // is a group of the table, whole; and there are rows.
    const names = shown.filter((x) => /[A-Za-z]/.test(x.text) && !x.text.startsWith('Per cent'));
    assert.ok(names.length > 3, `${width} px: ${shown.map((x) => x.text).join(' | ')}`);
    for (const n of names) {
      assert.ok(groups.some((g) => squash(g) === squash(n.text)), `${width} px: "${n.text}" is not a whole group name (${groups.join(' | ')})`);
    }
    assert.deepEqual(await cutChartText(page, '[data-testid=attendance]'), [], `${width} px: text cut or outside the chart`);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('the trust page shows the API figures; keyboard; axe; screenshot', async (t) => {
  if (!trustId) return t.skip('no school in a trust');
  const api = (await getJson(shared.target.url, `/api/v1/trusts/${encodeURIComponent(trustId)}`)).data;
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/trust/${encodeURIComponent(trustId)}`, '[data-testid=area]');
  await checkArea(page, api, 'trust');
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'trust');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an unknown LA shows the server message', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/la/999', '[data-testid=problem]');
  const api = await getJson(shared.target.url, '/api/v1/las/999');
  assert.equal(api.status, 404);
  const text = (await page.locator('[data-testid=problem]').innerText()).toLowerCase();
  assert.ok(text.includes(api.data.error.toLowerCase()), text);
  await page.context().close();
});
