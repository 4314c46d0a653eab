// #/la/CODE and #/trust/ID: does each school take its share of the pupils
// who move (net_flows.csv, docs/local-outcomes.md)? The rows the API gives,
// public and disclosure-controlled, as two tables (joiners, leavers) and a
// chart of the comparisons that can be assessed. Needs a real server over a
// store (scripts/web-test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, getJson, seriousViolations, screenshot } from './helpers.mjs';

const shared = sharedTargetAndBrowser();
const laCode = process.env.LANTERN_DEMO_LA_CODE;
const rowsOf = (body) => body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, r[i]])));
const question = (reading) => /^(more|less)/.test(reading);

test('the LA page shows every school and group as the API gives them', { skip: !laCode || shared.target?.mock }, async () => {
  const api = await getJson(shared.target.url, `/api/v1/las/${laCode}/net-flows`);
  assert.equal(api.status, 200);
  const rows = rowsOf(api.data).filter((r) => r.breakdown !== 'Total');
  assert.ok(rows.length > 0);
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=net-flows]');
  // Every row in the tables behind the summary, once opened.
  await page.locator('[data-testid=net-flows-all] summary').click();
  for (const side of ['joiners', 'leavers']) {
    const body = page.locator(`[data-testid=net-flows-${side}] tbody tr`);
    assert.equal(await body.count(), rows.length, `${side}: a row per school or trust and group`);
    // The first row's count and reading, as published (c in words).
    const first = (await body.first().innerText()).replace(/\s+/g, ' ');
    const reading = rows[0][`${side}_reading`];
    assert.ok(first.includes(reading), `${first} has ${reading}`);
  }
  // A chart exactly when some comparison's interval leaves out zero; then a
  // point per such side, and its table beside it.
  const points = rows.reduce((n, r) => n + (question(r.joiners_reading) ? 1 : 0) + (question(r.leavers_reading) ? 1 : 0), 0);
  const chart = page.locator('[data-testid=net-flows] figure');
  assert.equal((await chart.count()) > 0, points > 0);
  if (points > 0) {
    assert.equal(await chart.locator('svg circle').count(), points);
    assert.equal(await page.locator('[data-testid=net-flows-drawn] tbody tr').count(), points, 'the chart has its table');
  }
  await page.locator('[data-testid=net-flows]').scrollIntoViewIfNeeded();
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'la-net-flows');
  await page.context().close();
});

test('a trust page shows its own rows only', { skip: !laCode || shared.target?.mock }, async () => {
  const la = rowsOf((await getJson(shared.target.url, `/api/v1/las/${laCode}/net-flows`)).data);
  const trust = la.map((r) => r.trust_id).find((t) => t);
  assert.ok(trust, 'a school in a trust with joiners or leavers');
  const api = await getJson(shared.target.url, `/api/v1/trusts/${encodeURIComponent(trust)}/net-flows`);
  assert.equal(api.status, 200);
  const rows = rowsOf(api.data).filter((r) => r.breakdown !== 'Total');
  assert.ok(rows.every((r) => r.trust_id === trust));
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/trust/${encodeURIComponent(trust)}`, '[data-testid=net-flows]');
  assert.equal(await page.locator('[data-testid=net-flows-joiners] tbody tr').count(), rows.length);
  assert.equal((await getJson(shared.target.url, '/api/v1/trusts/NO-SUCH-TRUST/net-flows')).status, 404);
  await page.context().close();
});
