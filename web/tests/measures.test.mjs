// #/measures and #/school/URN/measures: every school's P8 and P5 in a slope
// chart with a table beside it (intervals and bands, no ranks), and a
// school's KS4 measures (its pupils' slots for the entitled only).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, getJson, seriousViolations, screenshot } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let comparison = null;

// After the target and the browser have started.
async function setUp() {
  const r = await getJson(shared.target.url, '/api/v1/measures/comparison');
  if (r.status === 200) comparison = r.data;
}

const shown = (s) => s.p8 && s.p8.score !== undefined && s.p5 && s.p5.score !== undefined;

test('the comparison: a slope chart of every school from P8 to P5, the same figures in a table', async (t) => {
  if (!comparison) return t.skip('this server has no KS4 measures');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/measures', '[data-testid=slope] [data-chart] svg');
  const schools = comparison.schools.filter(shown);
  const moving = schools.filter((s) => s.band_moves).length;
  assert.equal(await page.locator('[data-field=school-count]').innerText(), String(schools.length));
  assert.equal(await page.locator('[data-field=moving]').innerText(), String(moving));
  assert.equal(await page.locator('[data-testid=comparison-table] tbody tr').count(), Math.max(1, schools.length));
  // A school's row holds its P8 and interval as the API gives them, to two places.
  if (schools.length) {
    const s = schools[0];
    const row = page.locator('[data-testid=comparison-table] tbody tr', { has: page.locator(`a[href="#/school/${s.urn}/measures"]`) });
    const text = await row.innerText();
    for (const v of [s.p8.score, s.p8.lower, s.p8.upper, s.p5.score]) assert.ok(text.includes(Math.abs(v).toFixed(2)), `${v} in ${text}`);
  }
  // No ranks: the table is alphabetical and has no position column.
  const heads = await page.$$eval('[data-testid=comparison-table] thead th', (ths) => ths.map((th) => th.textContent.toLowerCase()));
  assert.ok(!heads.some((h) => h.includes('rank') || h.includes('position')));
  assert.equal(await page.locator('[data-testid=comparison-table] button', { hasText: 'Download CSV' }).count(), 1);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'measures-comparison');
});

test("a school's measures: its figures for everyone, no pupils' slots without a login", async (t) => {
  if (!comparison) return t.skip('this server has no KS4 measures');
  const s = comparison.schools.find((x) => !x.withheld && shown(x)) || comparison.schools[0];
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/school/${s.urn}/measures`, '[data-testid=school-measures]');
  assert.equal((await page.locator('[data-testid=measures-name]').innerText()).trim(), s.name || `School ${s.urn}`);
  if (!s.withheld) {
    assert.equal(await page.locator('[data-field=att8]').innerText(), s.att8.toFixed(1));
    assert.ok((await page.locator('[data-testid=p8]').innerText()).includes(Math.abs(s.p8.score).toFixed(2)));
  } else {
    assert.equal(await page.locator('[data-testid=withheld]').count(), 1);
  }
  assert.equal(await page.locator('[data-testid=slots-note]').count(), 1);
  assert.equal(await page.locator('[data-testid=slots-table]').count(), 0);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'measures-school');
});

test("a school's measures for its LA user: every pupil's slots, in a table with downloads", async (t) => {
  const env = process.env;
  const user = env.LANTERN_DEMO_LA_USER;
  const la = Number(env.LANTERN_DEMO_LA_CODE);
  // A maintained school of the LA: its LA is entitled to every pupil.
  const s = comparison && comparison.schools.find((x) => !x.trust_id && x.la_code === la && !x.withheld);
  if (!user || !s) return t.skip('no LA demo account or no maintained school with measures');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/login', '#login-username');
  await page.fill('#login-username', user);
  await page.fill('#login-password', env.LANTERN_DEMO_PASSWORD);
  await page.locator('#login-password').press('Enter');
  await page.waitForSelector('[data-testid=username]');
  await open(page, shared.target.url, `/school/${s.urn}/measures`, '[data-testid=slots-table]');
  const api = await page.evaluate(async (urn) => (await fetch(`/api/v1/schools/${urn}/measures`)).json(), s.urn);
  assert.ok(Array.isArray(api.pupils) && api.pupils.length > 0);
  // One row per pupil, their A8 as the API gives it and each slot named.
  assert.equal(await page.locator('[data-testid=slots-table] tbody tr').count(), api.pupils.length);
  const first = await page.locator('[data-testid=slots-table] tbody tr').first().innerText();
  assert.ok(first.includes(api.pupils[0].att8.toFixed(1)), first);
  for (const sl of api.pupils[0].a8_slots) assert.ok(first.includes(sl.title || sl.qual_id), `${sl.qual_id} in ${first}`);
  assert.equal(await page.locator('[data-testid=slots-note]').count(), 0);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'measures-slots');
});
