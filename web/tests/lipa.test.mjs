// #/la/CODE and #/trust/ID: each Local Inclusion and Participation
// Agreement's effectiveness (docs/early-warning.md), the rows the API gives,
// public and disclosure-controlled. Needs a real server whose store has run
// `lantern flags` (scripts/web-test does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, getJson, seriousViolations, screenshot } from './helpers.mjs';

const shared = sharedTargetAndBrowser();

const laCode = process.env.LANTERN_DEMO_LA_CODE;


const rowsOf = (body) => body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, r[i]])));

test('the LA page shows each agreement as the API gives it, with no pupil in it', { skip: !laCode || shared.target?.mock }, async () => {
  const api = await getJson(shared.target.url, `/api/v1/las/${laCode}/lipa`);
  assert.equal(api.status, 200, 'the generated LA has referrals');
  const rows = rowsOf(api.data);
  assert.ok(rows.length > 0);
  for (const r of rows) assert.ok(!Object.values(r).some((v) => /^[A-Z]\d{12}$/.test(v)), 'no UPN');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=lipa]');
  const body = page.locator('[data-testid=lipa-table] tbody tr');
  assert.equal(await body.count(), rows.length);
  // The first row's referrals as published (a number, or c in words).
  const first = await body.first().innerText();
  const referrals = rows[0].referrals;
  if (/^\d+$/.test(referrals)) assert.ok(first.includes(Number(referrals).toLocaleString('en-GB')), `${first} has ${referrals}`);
  // Each share has its base beside it: the responses due (given, or late
  // and not given), in the cells before their percentages.
  const cells = body.first().locator('th, td');
  const header = page.locator('[data-testid=lipa-table] thead th');
  for (const [label, column] of [['Due: given or late', 'acknowledgements_due'], ['Plans due', 'plans_due']]) {
    const labels = await header.allInnerTexts();
    const at = labels.findIndex((t) => t.trim().startsWith(label));
    assert.ok(at >= 0, `a column ${label}: ${labels.join(' | ')}`);
    assert.match(labels[at + 1], /^Of them, in time/);
    const shown = (await cells.nth(at).innerText()).trim();
    const published = rows[0][column];
    if (/^\d+$/.test(published)) assert.equal(shown, Number(published).toLocaleString('en-GB'), label);
    else assert.ok(shown.length > 0, `${label}: ${published} shown in words`);
  }
  // What followed, row for row; and both tables fit a laptop's width, with
  // no column cut off behind a sideways scroll.
  assert.equal(await page.locator('[data-testid=lipa-outcomes-table] tbody tr').count(), rows.length);
  for (const id of ['lipa-table', 'lipa-outcomes-table']) {
    const [scroll, client] = await page.locator(`[data-testid=${id}] .table-wrap`).evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(scroll <= client + 1, `${id} fits at 1280 px: ${scroll} > ${client}`);
  }
  const chart = await page.locator('[data-testid=lipa] figure').count();
  const timed = rows.some((r) => /^\d/.test(r.acknowledged_within_standard_percent) || /^\d/.test(r.plans_within_standard_percent));
  assert.equal(chart > 0, timed, 'a chart exactly when there are response times to show');
  await page.locator('[data-testid=lipa]').scrollIntoViewIfNeeded();
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'la-lipa');
  await page.context().close();
});

test('a trust with referrals shows them; one without has no section', { skip: !laCode || shared.target?.mock }, async () => {
  const la = rowsOf((await getJson(shared.target.url, `/api/v1/las/${laCode}/lipa`)).data);
  const trust = la.map((r) => r.trust_id).find((t) => t);
  assert.ok(trust, 'a referral from an academy');
  const api = await getJson(shared.target.url, `/api/v1/trusts/${encodeURIComponent(trust)}/lipa`);
  assert.equal(api.status, 200);
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/trust/${encodeURIComponent(trust)}`, '[data-testid=lipa]');
  assert.equal(await page.locator('[data-testid=lipa-table] tbody tr').count(), api.data.rows.length);
  assert.equal((await getJson(shared.target.url, '/api/v1/trusts/NO-SUCH-TRUST/lipa')).status, 404);
  await page.context().close();
});
