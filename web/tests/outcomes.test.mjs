// #/la/CODE and #/trust/ID: the Local Outcomes Framework, movement and a
// trust's contribution, against the API's published rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTarget, launch, newPage, open, getJson, knownSchool, seriousViolations, screenshot, resultsDir } from './helpers.mjs';

let target;
let browser;
let laCode;
let trustId;

before(async () => {
  target = await startTarget();
  browser = await launch();
  const urn = await knownSchool(target.url);
  const card = (await getJson(target.url, `/api/v1/schools/${urn}/scorecard`)).data;
  laCode = card.old_la_code;
  const all = await getJson(target.url, `/api/v1/schools?q=${encodeURIComponent(card.la_name || laCode)}&limit=200`);
  trustId = card.trust_id || (all.data.results.find((s) => s.trust_id) || {}).trust_id;
});
after(async () => {
  await browser?.close();
  await target?.stop();
});

const objects = (b) => b.rows.map((r) => Object.fromEntries(b.columns.map((c, i) => [c, r[i]])));

test('the LA page shows the framework at a glance, gaps, trend and movement; axe; screenshot', async () => {
  const api = (await getJson(target.url, `/api/v1/las/${laCode}/outcomes`)).data;
  const rows = objects(api);
  assert.ok(rows.length > 0, 'the server serves the framework');
  const page = await newPage(browser);
  await open(page, target.url, `/la/${laCode}`, '[data-testid=outcomes-glance]');
  // Every measure at Total is in the glance table, once.
  const measures = new Set(rows.filter((r) => r.school_type === 'Total' && r.breakdown === 'Total').map((r) => r.measure));
  const shown = await page.$$eval('[data-testid=outcomes-glance] tbody th', (ths) => ths.map((t) => t.innerText.trim()));
  assert.deepEqual(shown.slice().sort(), [...measures].sort());
  // Polarity in words; no data never shown as zero.
  const glance = await page.locator('[data-testid=outcomes-glance]').innerText();
  assert.match(glance, /(Lower|Higher) is better/);
  const ehcp = rows.find((r) => r.measure === 'ehcp_20_week_pupil_level' && r.breakdown === 'Total');
  if (ehcp && ehcp.value === 'x') {
    const line = await page.locator('[data-testid=outcomes-glance] tbody tr', { hasText: 'ehcp_20_week_pupil_level' }).innerText();
    assert.doesNotMatch(line, /\t0(\.0)?\t/);
  }
  await page.waitForSelector('[data-testid=outcomes] [data-chart] svg', { timeout: 30000 });
  assert.ok((await page.locator('[data-testid=outcomes-trend] tbody tr').count()) > 0);
  // Movement: the LA's exits to no school as published.
  const mv = objects((await getJson(target.url, `/api/v1/las/${laCode}/movement`)).data);
  const la = mv.find((r) => r.geographic_level === 'Local authority' && r.school_type === 'Total' && (r.breakdown || 'Total') === 'Total' && r.location_basis === 'School location');
  assert.ok(la);
  const flows = await page.locator('[data-testid=movement-flows]').innerText();
  assert.ok(flows.includes('Out of education'));
  if (/^\d+$/.test(la.exits_no_school)) assert.ok(flows.includes(Number(la.exits_no_school).toLocaleString('en-GB')));
  // Each school with movement rows is in the schools' table.
  const schoolRows = mv.filter((r) => r.geographic_level === 'School' && (r.breakdown || 'Total') === 'Total' && r.location_basis === 'School location');
  assert.equal(await page.locator('[data-testid=movement-schools] tbody tr').count(), Math.max(1, schoolRows.length));
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await screenshot(page, 'la-outcomes');
  await page.locator('[data-testid=outcomes]').screenshot({ path: path.join(resultsDir, 'la-outcomes-section.png') });
  await page.locator('[data-testid=movement]').screenshot({ path: path.join(resultsDir, 'la-movement-section.png') });
  await page.close();
});

test('the trust page asks questions about its contribution; axe; screenshot', async (t) => {
  if (!trustId) return t.skip('no trust in the generated LA');
  const res = await getJson(target.url, `/api/v1/trusts/${encodeURIComponent(trustId)}/contribution`);
  if (!res.data || !res.data.rows) return t.skip('no contribution rows');
  const page = await newPage(browser);
  await open(page, target.url, `/trust/${encodeURIComponent(trustId)}`, '[data-testid=contribution]');
  const text = await page.locator('[data-testid=contribution]').innerText();
  assert.match(text, /never a verdict/);
  assert.doesNotMatch(text, /\bexports?\b/i);
  assert.ok((await page.locator('[data-testid=contribution-table-0] tbody tr').count()) > 0);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await screenshot(page, 'trust-contribution');
  await page.locator('[data-testid=contribution]').screenshot({ path: path.join(resultsDir, 'trust-contribution-section.png') });
  await page.close();
});
