// #/la/CODE and #/trust/ID: the Local Outcomes Framework, movement and a
// trust's contribution, against the API's published rows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedTargetAndBrowser, newPage, open, getJson, knownSchool, seriousViolations, screenshot, resultsDir } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let laCode;
let trustId;

// After the target and the browser have started.
async function setUp() {
  const urn = await knownSchool(shared.target.url);
  const card = (await getJson(shared.target.url, `/api/v1/schools/${urn}/scorecard`)).data;
  laCode = card.old_la_code;
  const all = await getJson(shared.target.url, `/api/v1/schools?q=${encodeURIComponent(card.la_name || laCode)}&limit=200`);
  trustId = card.trust_id || (all.data.results.find((s) => s.trust_id) || {}).trust_id;
}

const objects = (b) => b.rows.map((r) => Object.fromEntries(b.columns.map((c, i) => [c, r[i]])));

test('the LA page shows the framework at a glance, gaps, trend and movement; axe; screenshot', async () => {
  const api = (await getJson(shared.target.url, `/api/v1/las/${laCode}/outcomes`)).data;
  const rows = objects(api);
  assert.ok(rows.length > 0, 'the server serves the framework');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=outcomes-glance]');
  // Every measure at Total is in the glance table, once, by its catalogue label, with its definition.
  const catalogue = new Map((await getJson(shared.target.url, '/api/v1/outcomes/measures')).data.measures.map((m) => [m.id, m]));
  const measures = new Set(rows.filter((r) => r.school_type === 'Total' && r.breakdown === 'Total').map((r) => r.measure));
  const shown = await page.$$eval('[data-testid=outcomes-glance] tbody th .lof-label', (els) => els.map((t) => t.textContent.trim()));
  assert.deepEqual(shown.slice().sort(), [...measures].map((id) => catalogue.get(id).label).sort());
  const glance = await page.locator('[data-testid=outcomes-glance]').innerText();
  for (const id of measures) assert.ok(!glance.split('\n').some((l) => l.trim() === id), `${id} shown as an id`);
  assert.ok(glance.includes(catalogue.get('sess_overall_percent').definition));
  // Polarity in words; no data never shown as zero.
  assert.match(glance, /(Lower|Higher) is better/);
  const ehcp = rows.find((r) => r.measure === 'ehcp_20_week_pupil_level' && r.breakdown === 'Total');
  if (ehcp && ehcp.value === 'x') {
    const line = await page.locator('[data-testid=outcomes-glance] tbody tr', { hasText: catalogue.get('ehcp_20_week_pupil_level').label }).innerText();
    assert.doesNotMatch(line, /\t0(\.0)?\t/);
  }
  // Records that do not cover England have no England figure: the page says
  // so in words, exactly when the API gives none.
  const totals = rows.filter((r) => r.school_type === 'Total' && r.breakdown === 'Total' && r.location_basis === 'School location');
  const noEngland = totals.length > 0 && totals.every((r) => typeof r.england_value !== 'number' && !/^-?\d/.test(String(r.england_value ?? '')));
  assert.equal(await page.locator('[data-testid=no-england]').count(), noEngland ? 1 : 0);
  // The measure picker names measures by label.
  const options = await page.$$eval('#lof-measure option', (os) => os.map((o) => o.textContent.trim()));
  assert.ok(options.includes(catalogue.get('sess_overall_percent').label));
  await page.waitForSelector('[data-testid=outcomes] [data-chart] svg', { timeout: 30000 });
  // The trend: one row a period the API holds for the measure shown (scripts/web-test
  // serves the year before's store too, so pupil records give two).
  const shownMeasure = await page.$eval('#lof-measure', (s) => s.value);
  const periods = new Set(rows.filter((r) => r.measure === shownMeasure && r.school_type === 'Total' && r.breakdown === 'Total' && r.location_basis === 'School location').map((r) => `${r.time_period}|${r.time_identifier}`));
  assert.ok(periods.size >= 2, `periods served: ${[...periods]}`);
  assert.equal(await page.locator('[data-testid=outcomes-trend] tbody tr').count(), periods.size);
  // The chart draws the LA's interval in each period that has one.
  const num = (v) => /^-?\d/.test(String(v ?? ''));
  const withInterval = rows.filter((r) => r.measure === shownMeasure && r.school_type === 'Total' && r.breakdown === 'Total' && r.location_basis === 'School location' && num(r.value) && num(r.lower_95) && num(r.upper_95)).length;
  assert.ok(withInterval > 0);
  await page.waitForSelector('[data-testid=outcomes-trend-chart] svg', { timeout: 30000 });
  assert.equal(await page.locator('[data-testid=outcomes-trend-chart] svg .trend-interval line').count(), withInterval);
  // The gaps: to peers here and to the same peers in England, each with its
  // interval (gap_to_england_lower_95, _upper_95), and the LA's comparisons.
  const gapHeads = await page.$$eval('[data-testid=outcomes-gaps] thead th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(gapHeads.includes('Gap to those peers (95% interval)'), gapHeads.join(' | '));
  assert.ok(gapHeads.includes('Gap to the same peers in England (95% interval)'), gapHeads.join(' | '));
  const glanceHeads = await page.$$eval('[data-testid=outcomes-glance] thead th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(glanceHeads.includes('Statistical neighbours (mean)') && glanceHeads.includes('Among LAs (context)'));
  // A link to the LA's region's framework (and England's) where the server has them.
  const places = (await getJson(shared.target.url, '/api/v1/places')).data;
  const regionCode = rows.find((r) => /^E1[23]\d{6}$/.test(r.region_code || ''))?.region_code;
  if (regionCode && places.regions.some((r) => r.code === regionCode)) {
    await page.waitForSelector('[data-testid=outcomes-links]');
    assert.equal(await page.locator(`[data-testid=outcomes-links] a[href="#/region/${regionCode}"]`).count(), 1);
  }
  assert.equal(await page.locator('[data-testid=outcomes-links] a[href="#/england"]').count(), places.england ? 1 : 0);
  // No table runs past its section: wide ones scroll in their own frame.
  await page.waitForSelector('[data-testid=movement] [data-sankey] svg[role=img] path', { timeout: 30000 });
  for (const sel of ['[data-testid=outcomes]', '[data-testid=movement]']) {
    const over = await page.$eval(sel, (sec) => {
      const right = sec.getBoundingClientRect().right;
      return [...sec.querySelectorAll('.table-wrap')].map((w) => w.getBoundingClientRect().right - right).filter((d) => d > 1);
    });
    assert.deepEqual(over, [], `${sel}: a table frame runs past the section`);
  }
  // Movement: a Sankey of exits from each kind of school to where the pupil
  // went; the bands from a kind of school add up to its exits as published.
  const mv = objects((await getJson(shared.target.url, `/api/v1/las/${laCode}/movement`)).data);
  const head = (r) => r.geographic_level === 'Local authority' && (r.breakdown || 'Total') === 'Total' && r.location_basis === 'School location';
  const la = mv.find((r) => head(r) && r.school_type === 'Total');
  assert.ok(la);
  await page.waitForSelector('[data-testid=movement] [data-sankey] svg[role=img] path', { timeout: 30000 });
  // (The first diagram of the section: the second, by trust, is tested below.)
  const bands = await page.locator('[data-testid=movement] > .lof-stack [data-sankey] svg path').count();
  const flowRows = await page.$$eval('[data-testid=movement-flows] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const numeric = flowRows.filter((r) => /^[\d,]+$/.test(r[2]) && r[2] !== '0');
  assert.equal(bands, numeric.length, 'one band per flow the table gives as a number');
  for (const type of ['State-funded primary', 'State-funded secondary']) {
    const row = mv.find((r) => head(r) && r.school_type === type);
    const these = flowRows.filter((r) => r[0] === type);
    if (!row || !/^\d+$/.test(row.exits) || these.some((r) => !/^[\d,]+$/.test(r[2]))) continue;
    const sum = these.reduce((t, r) => t + Number(r[2].replace(/,/g, '')), 0);
    assert.equal(sum, Number(row.exits), `${type}: the flows add up to the exits`);
  }
  const flows = await page.locator('[data-testid=movement-flows]').innerText();
  assert.ok(flows.includes('No school in the records'));
  assert.ok(flows.includes('A school in another trust') || flows.includes('Another school, same trust'));
  assert.ok(await page.locator('[data-testid=movement-flows] button', { hasText: 'Download CSV' }).count());
  // Keyboard: the flows table's frame takes focus.
  await page.focus('[data-testid=movement-flows] .table-wrap');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-testid]')?.dataset.testid), 'movement-flows');
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

test('the LA page draws the exits between trusts and out of education, its table the API\'s rows; axe; screenshot', async (t) => {
  const res = await getJson(shared.target.url, `/api/v1/las/${laCode}/movement/flows`);
  if (res.status === 404) return t.skip('no flows for the LA');
  assert.equal(res.status, 200);
  const api = objects(res.data);
  assert.ok(api.length > 0);
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=trust-flows]');
  await page.waitForSelector('[data-testid=trust-flows] [data-sankey] svg[role=img] path', { timeout: 30000 });
  // The table: every row of the API's, in its order, hidden flows as c.
  const table = await page.$$eval('[data-testid=trust-flows-table] tbody tr', (trs) =>
    trs.map((tr) => {
      const [from, to, exits] = [...tr.children];
      const sym = exits.querySelector('[data-symbol]');
      return [from.textContent.trim(), to.textContent.trim(), sym ? sym.dataset.symbol : exits.textContent.trim().replace(/,/g, '')];
    }),
  );
  assert.deepEqual(table, api.map((r) => [r.from_name, r.to_name, r.exits]));
  // The diagram: one band per flow shown as a number (with "Other trusts",
  // fewer: the trusts it puts together share bands); none for a hidden one.
  const shown = api.filter((r) => /^\d+$/.test(r.exits) && r.exits !== '0');
  const bands = await page.locator('[data-testid=trust-flows] [data-sankey] svg path').count();
  const text = await page.locator('[data-testid=trust-flows]').innerText();
  if (text.includes('Other trusts')) assert.ok(bands <= shown.length && bands > 0);
  else assert.equal(bands, shown.length);
  const titles = await page.$$eval('[data-testid=trust-flows] [data-sankey] svg path title', (ts) => ts.map((x) => x.textContent));
  const drawn = titles.reduce((sum, x) => sum + Number(x.split(': ').pop().replace(/,/g, '')), 0);
  assert.equal(drawn, shown.reduce((sum, r) => sum + Number(r.exits), 0), 'the bands carry the shown flows, no more');
  // At most twelve trusts (and the schools in no trust) on the left.
  const left = await page.$$eval('[data-testid=trust-flows] [data-sankey] svg text[text-anchor=end]', (ts) => ts.length);
  assert.ok(left <= 12, `${left} origins drawn`);
  if (api.some((r) => r.exits === 'c')) assert.match(text, /hidden/);
  assert.ok(await page.locator('[data-testid=trust-flows-table] button', { hasText: 'Download CSV' }).count());
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await page.locator('[data-testid=trust-flows]').screenshot({ path: path.join(resultsDir, 'la-trust-flows-section.png') });
  await page.close();
});

test('the trust page asks questions about its contribution; axe; screenshot', async (t) => {
  if (!trustId) return t.skip('no trust in the generated LA');
  const res = await getJson(shared.target.url, `/api/v1/trusts/${encodeURIComponent(trustId)}/contribution`);
  if (!res.data || !res.data.rows) return t.skip('no contribution rows');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/trust/${encodeURIComponent(trustId)}`, '[data-testid=contribution]');
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
