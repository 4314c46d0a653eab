// #/places, #/region/CODE, #/england and #/place/CODE: the Local Outcomes
// Framework beyond the local authority, against the API's published rows.
// Which places a server has depends on its mode and store: a store of one LA
// has its region but no England (the England page then says why), and
// user-defined places only when the store holds a places.csv; a test whose
// place is not on this server skips, saying so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sharedTargetAndBrowser, newPage, open, getJson, seriousViolations, screenshot, resultsDir } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let places;
let catalogue;

async function setUp() {
  places = (await getJson(shared.target.url, '/api/v1/places')).data;
  catalogue = new Map((await getJson(shared.target.url, '/api/v1/outcomes/measures')).data.measures.map((m) => [m.id, m]));
}

const objects = (b) => b.rows.map((r) => Object.fromEntries(b.columns.map((c, i) => [c, r[i]])));
const isNumber = (v) => /^-?\d+(\.\d+)?$/.test(String(v ?? '').trim());

// The framework section of a place's page: the at-a-glance table names every
// measure of the place's rows by its label; the comparisons an LA alone has
// are absent; the gaps table shows each gap's interval (and, where the place
// is compared with England, the gap to England's peers with its interval);
// no table runs past the section. Returns the page's column headers.
async function checkFramework(page, rows, { england, self }) {
  const basis = rows.some((r) => r.location_basis === 'School location') ? 'School location' : rows.find((r) => r.location_basis !== 'Not applicable')?.location_basis;
  const shownRows = rows.filter((r) => r.location_basis === basis || r.location_basis === 'Not applicable' || !basis);
  const measures = new Set(shownRows.filter((r) => r.school_type === 'Total' && r.breakdown === 'Total').map((r) => r.measure));
  const shown = await page.$$eval('[data-testid=outcomes-glance] tbody th .lof-label', (els) => els.map((t) => t.textContent.trim()));
  assert.deepEqual(shown.slice().sort(), [...measures].map((id) => catalogue.get(id)?.label || id).sort());
  const glanceHeads = await page.$$eval('[data-testid=outcomes-glance] thead th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(!glanceHeads.some((h) => /Statistical neighbours|Among LAs/.test(h)), `no LA comparisons: ${glanceHeads}`);
  assert.equal(glanceHeads[2], self, `the place's own column: ${glanceHeads}`);
  assert.equal(glanceHeads.slice(3).includes('England'), england, `England column: ${glanceHeads}`);
  const glance = await page.locator('[data-testid=outcomes-glance]').innerText();
  assert.match(glance, /(Lower|Higher) is better/);
  // Gaps by group, with the gap's interval and (against England) the gap to England's peers.
  await page.waitForSelector('[data-testid=outcomes-gaps]', { timeout: 30000 });
  const gapHeads = await page.$$eval('[data-testid=outcomes-gaps] thead th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(gapHeads.includes('Gap to those peers (95% interval)'), gapHeads.join(' | '));
  assert.equal(gapHeads.includes('Gap to the same peers in England (95% interval)'), england, gapHeads.join(' | '));
  assert.ok((await page.locator('[data-testid=outcomes-gaps] tbody tr').count()) > 0);
  // A numeric gap with a numeric interval shows the interval beneath it.
  const m = await page.$eval('#lof-measure', (s) => s.value);
  const groups = shownRows.filter((r) => r.measure === m && r.school_type === 'Total' && r.breakdown !== 'Total');
  const last = groups.reduce((a, r) => (`${r.time_period}|${r.time_identifier}` > a ? `${r.time_period}|${r.time_identifier}` : a), '');
  const shownGroups = groups.filter((r) => `${r.time_period}|${r.time_identifier}` === last);
  assert.equal(await page.locator('[data-testid=outcomes-gaps] tbody tr').count(), shownGroups.length);
  const withIntervals = shownGroups.filter((r) => isNumber(r.gap_to_peers) && isNumber(r.gap_lower_95) && isNumber(r.gap_upper_95)).length +
    (england ? shownGroups.filter((r) => isNumber(r.gap_to_england_peers) && isNumber(r.gap_to_england_lower_95) && isNumber(r.gap_to_england_upper_95)).length : 0);
  assert.equal(await page.locator('[data-testid=outcomes-gaps] .lof-ci').count(), withIntervals, 'each gap with an interval shows it');
  assert.ok(await page.locator('[data-testid=outcomes-gaps] button', { hasText: 'Download CSV' }).count());
  assert.ok((await page.locator('[data-testid=outcomes-trend] tbody tr').count()) > 0);
  const over = await page.$eval('[data-testid=outcomes]', (sec) => {
    const right = sec.getBoundingClientRect().right;
    return [...sec.querySelectorAll('.table-wrap')].map((w) => w.getBoundingClientRect().right - right).filter((d) => d > 1);
  });
  assert.deepEqual(over, [], 'a table frame runs past the section');
  // The gaps table fits a laptop's width without scrolling sideways.
  const gapsScroll = await page.$eval('[data-testid=outcomes-gaps] .table-wrap', (w) => w.scrollWidth - w.clientWidth);
  assert.ok(gapsScroll <= 1, `the gaps table scrolls sideways by ${gapsScroll}px at 1280px`);
}

// The movement section of a place's page against the API's movement rows:
// one band per flow the table gives as a number, each kind of school's
// flows adding up to its published exits where none is hidden, and the
// place's parts (a region's LAs, England's regions) in a table beneath.
async function checkMovement(page, apiPath, rowLevel, partLevel) {
  const mv = objects((await getJson(shared.target.url, apiPath)).data);
  const head = (r) => r.geographic_level === rowLevel && r.breakdown === 'Total' && r.location_basis === 'School location';
  const total = mv.find((r) => head(r) && r.school_type === 'Total');
  assert.ok(total, `${apiPath}: the place's total row`);
  await page.waitForSelector('[data-testid=movement] [data-sankey] svg[role=img] path', { timeout: 30000 });
  assert.match(await page.locator('#move-h').innerText(), /^Movement: where pupils who left went/);
  const bands = await page.locator('[data-testid=movement] > .lof-stack [data-sankey] svg path').count();
  const flowRows = await page.$$eval('[data-testid=movement-flows] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const numeric = flowRows.filter((r) => /^[\d,]+$/.test(r[2]) && r[2] !== '0');
  assert.ok(numeric.length > 0, 'some flows are drawn');
  assert.equal(bands, numeric.length, 'one band per flow the table gives as a number');
  // Each flow the table gives as a number is the API's count, or the
  // difference of the API's counts that makes it; where none is hidden, a
  // kind of school's flows add up to its exits.
  const n = (v) => (/^\d+$/.test(v) ? Number(v) : null);
  const expected = {
    'Another school, same trust': (r) => n(r.moves_same_trust),
    'A school in another trust': (r) => n(r.moves) - n(r.moves_other_la) - n(r.moves_same_trust),
    'A school in another LA': (r) => n(r.moves_other_la),
    'Back at the same school': (r) => n(r.exits) - n(r.moves) - n(r.exits_no_school),
    'Elective home education': (r) => n(r.ehe_no_school),
    'Missing education (open case)': (r) => n(r.cme_open),
    'No school in the records': (r) => n(r.exits_no_school) - n(r.ehe_no_school) - n(r.cme_open),
  };
  let checked = 0;
  for (const type of ['State-funded primary', 'State-funded secondary', 'State-funded special', 'Pupil referral unit']) {
    const row = mv.find((r) => head(r) && r.school_type === type);
    const these = flowRows.filter((r) => r[0] === type);
    if (!row) continue;
    for (const r of these.filter((x) => /^[\d,]+$/.test(x[2]))) {
      assert.ok(expected[r[1]], `a flow to ${r[1]}`);
      assert.equal(Number(r[2].replace(/,/g, '')), expected[r[1]](row), `${type} to ${r[1]}`);
      ++checked;
    }
    if (!/^\d+$/.test(row.exits) || these.some((r) => !/^[\d,]+$/.test(r[2]))) continue;
    const sum = these.reduce((t, r) => t + Number(r[2].replace(/,/g, '')), 0);
    assert.equal(sum, Number(row.exits), `${type}: the flows add up to the exits`);
  }
  assert.ok(checked > 0, 'flows compared with the API\'s counts');
  const parts = mv.filter((r) => r.geographic_level === partLevel && r.breakdown === 'Total' && r.location_basis === 'School location' && r.school_type === 'Total');
  assert.equal(await page.locator('[data-testid=movement-schools] tbody tr').count(), partLevel ? parts.length : 0);
  assert.equal(await page.locator('[data-testid=trust-flows-table]').count(), 0, 'the flows between trusts are an LA\'s');
}

// On a phone the flow diagram's labels that do not fit beside their nodes
// are drawn by their short names ("Secondary", "No school"), not cut off
// mid-word; on a laptop the full names.
test('a region page\'s flow diagram names its nodes in full on a laptop, and whole on a phone (wrapped, or short)', async (t) => {
  if (!places.regions.length) return t.skip('no region on this server');
  const region = places.regions[0];
  const labels = async (width) => {
    const page = await newPage(shared.browser, { width, height: 900 });
    await open(page, shared.target.url, `/region/${region.code}`, '[data-testid=outcomes-glance]');
    await page.waitForSelector('[data-testid=movement] > .lof-stack [data-sankey] svg text', { timeout: 30000 });
    const texts = await page.$$eval('[data-testid=movement] > .lof-stack [data-sankey] svg > g:last-child text', (ts) => ts.map((x) => [...x.querySelectorAll('tspan')].map((s) => s.textContent).join(' ')));
    assert.deepEqual(page.errors, []);
    await page.close();
    return texts;
  };
  const wide = await labels(1280);
  assert.ok(wide.some((l) => l.startsWith('State-funded secondary (')), wide.join(' | '));
  assert.ok(wide.some((l) => l.startsWith('Missing education (open case)') || l.startsWith('No school in the records')), wide.join(' | '));
  const narrow = await labels(390);
  const shorts = ['Primary', 'Secondary', 'Special', 'PRU', 'Same trust', 'Other trust', 'Other LA', 'Same school', 'Home ed.', 'Missing ed.', 'No school'];
  // Each a laptop's name on more lines (a word broken with a hyphen joined
  // again), or a short name.
  const whole = (l) => l.replace(/- /g, '');
  assert.ok(narrow.every((l) => wide.includes(whole(l)) || shorts.some((x) => l === x || l.startsWith(`${x} (`))), narrow.join(' | '));
  assert.ok(narrow.some((l) => wide.includes(l) && l.includes(' ')), 'full names wrapped, not only short ones');
  // No name is cut: each label is a full name or a short one, whole.
  assert.ok(narrow.every((l) => !l.includes('…')), narrow.join(' | '));
});

test('#/places lists England (or why not), the regions and the user-defined places; axe; screenshot', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/places', '[data-testid=places]');
  const regions = await page.$$eval('[data-testid=region-list] a', (as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
  assert.deepEqual(regions, places.regions.map((r) => [r.name, `#/region/${encodeURIComponent(r.code)}`]));
  const userPlaces = await page.$$eval('[data-testid=place-list] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(userPlaces, places.places.map((p) => `#/place/${encodeURIComponent(p.code)}`));
  assert.equal(await page.locator('[data-testid=england-link]').count(), places.england ? 1 : 0);
  assert.equal(await page.locator('[data-testid=no-england-place]').count(), places.england ? 0 : 1);
  // Reached from the header on every page.
  assert.equal(await page.locator('header nav a[href="#/places"]').count(), 1);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'places-list');
  await page.close();
});

test('a region page shows its framework against England, gaps and trend, no LA comparisons; axe; screenshot', async (t) => {
  if (!places.regions.length) return t.skip('no region on this server');
  const region = places.regions[0];
  const rows = objects((await getJson(shared.target.url, `/api/v1/regions/${region.code}/outcomes`)).data);
  assert.ok(rows.every((r) => r.geographic_level === 'Regional' && r.region_code === region.code));
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/region/${region.code}`, '[data-testid=outcomes-glance]');
  assert.equal((await page.locator('[data-testid=place-name]').innerText()).trim(), region.name);
  await checkFramework(page, rows, { england: true, self: 'This region' });
  // From pupil records, the page says the region is only what the records hold.
  assert.equal(await page.locator('[data-testid=region-from-records]').count(), rows.some((r) => r.source === 'store') ? 1 : 0);
  await page.waitForSelector('[data-testid=outcomes] [data-chart] svg', { timeout: 30000 });
  await checkMovement(page, `/api/v1/regions/${region.code}/movement`, 'Regional', 'Local authority');
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'region-outcomes');
  await page.locator('[data-testid=movement]').screenshot({ path: path.join(resultsDir, 'region-movement-section.png') });
  await page.locator('[data-testid=outcomes]').screenshot({ path: path.join(resultsDir, 'region-outcomes-section.png') });
  await page.close();
});

test('the England page shows England and its groups\' gaps, or says why there is none; axe; screenshot', async () => {
  const res = await getJson(shared.target.url, '/api/v1/england/outcomes');
  assert.equal(res.status, places.england ? 200 : 404);
  const page = await newPage(shared.browser);
  if (places.england) {
    const rows = objects(res.data);
    assert.ok(rows.every((r) => r.geographic_level === 'National'));
    await open(page, shared.target.url, '/england', '[data-testid=outcomes-glance]');
    await checkFramework(page, rows, { england: false, self: 'England' });
    await checkMovement(page, '/api/v1/england/movement', 'National', 'Regional');
  } else {
    assert.equal((await getJson(shared.target.url, '/api/v1/england/movement')).status, 404);
    await open(page, shared.target.url, '/england', '[data-testid=outcomes-none]');
    const text = await page.locator('[data-testid=outcomes-none]').innerText();
    assert.ok(text.includes(res.data.error.replace(/^./, (c) => c.toUpperCase())), text);
  }
  assert.equal((await page.locator('[data-testid=place-name]').innerText()).trim(), 'England');
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'england-outcomes');
  await page.close();
});

test('a user-defined place page shows its framework against England; axe; screenshot', async (t) => {
  if (!places.places.length) return t.skip('no user-defined place on this server (the store has no places.csv)');
  const place = places.places[0];
  const rows = objects((await getJson(shared.target.url, `/api/v1/places/${encodeURIComponent(place.code)}/outcomes`)).data);
  assert.ok(rows.every((r) => r.geographic_level === 'Place' && r.old_la_code === `place:${place.code}`));
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/place/${encodeURIComponent(place.code)}`, '[data-testid=outcomes-glance]');
  assert.equal((await page.locator('[data-testid=place-name]').innerText()).trim(), place.name);
  await checkFramework(page, rows, { england: true, self: 'This place' });
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'place-outcomes');
  await page.close();
});

test('a place of LAs and a place of schools each show where their pupils went; axe', async (t) => {
  if (!places.places.length) return t.skip('no user-defined place on this server (the store has no places.csv)');
  let shown = 0;
  for (const place of places.places) {
    const apiPath = `/api/v1/places/${encodeURIComponent(place.code)}/movement`;
    const res = await getJson(shared.target.url, apiPath);
    const page = await newPage(shared.browser);
    await open(page, shared.target.url, `/place/${encodeURIComponent(place.code)}`, '[data-testid=outcomes-glance]');
    if (res.status === 200) {
      assert.ok(objects(res.data).every((r) => r.geographic_level === 'Place' && r.old_la_code === `place:${place.code}` && r.la_name === place.name));
      await checkMovement(page, apiPath, 'Place', '');
      await page.locator('[data-testid=movement]').screenshot({ path: path.join(resultsDir, `place-movement-section-${place.code}.png`) });
      ++shown;
    } else {
      assert.equal(res.status, 404);
      await page.waitForSelector('[data-testid=movement-none]', { timeout: 30000 });
      assert.match(await page.locator('[data-testid=movement-none]').innerText(), /No movement figures/);
      assert.equal(await page.locator('[data-testid=movement]').count(), 0);
    }
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  // scripts/web-test serves a place of the LA and one of its secondary
  // schools (its schools' rows added up): both have movement.
  for (const code of ['TVP', 'HSEC']) {
    if (places.places.some((p) => p.code === code)) {
      const res = await getJson(shared.target.url, `/api/v1/places/${code}/movement`);
      assert.equal(res.status, 200, `${code} has movement`);
    }
  }
  assert.ok(shown > 0 || !places.places.length);
});

test('an unknown or malformed place gets the server\'s reason, not an empty page', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/region/nowhere', '[data-testid=outcomes-none]');
  assert.match(await page.locator('[data-testid=outcomes-none]').innerText(), /ONS code/);
  await open(page, shared.target.url, '/place/no-such-place', '[data-testid=outcomes-none]');
  assert.match(await page.locator('[data-testid=outcomes-none]').innerText(), /No user-defined place/);
  await page.close();
});
