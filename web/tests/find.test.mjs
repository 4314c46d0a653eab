// #/ Find: the search box, its results against the API's, the keyboard, axe.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, getJson, knownSchool, tabThrough, seriousViolations, screenshot } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let urn;
let school;

// After the target and the browser have started.
async function setUp() {
  urn = await knownSchool(shared.target.url);
  const r = await getJson(shared.target.url, `/api/v1/schools?q=${urn}&limit=20`);
  school = r.data.results.find((s) => s.urn === urn);
  assert.ok(school, `the API finds the known school ${urn}`);
}

async function tabTo(page, predicate, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return true;
  }
  return false;
}

test('a keyboard user searches, sees the API results, and opens the school', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/', 'h1');
  assert.equal(await page.locator('label[for=find-q]').innerText(), 'Find a school, trust or local authority');
  assert.ok(await tabTo(page, () => document.activeElement && document.activeElement.id === 'find-q'), 'Tab reaches the search box');
  await page.keyboard.type(String(urn), { delay: 30 });
  // A pause in the typing on a busy machine may show a shorter query's
  // results first (which can hold the school too): wait for the full one's,
  // which the status names.
  const api = await getJson(shared.target.url, `/api/v1/schools?q=${encodeURIComponent(String(urn))}&limit=20`);
  await page.waitForFunction((u) => document.querySelector('[data-testid=search-status]').textContent.includes(`“${u}”`), String(urn));
  await page.waitForSelector(`[data-testid=results] li[data-urn="${urn}"]`);
  const items = await page.$$eval('[data-testid=results] > li', (lis) => lis.map((li) => ({ urn: li.dataset.urn, text: li.innerText })));
  assert.equal(items.length, api.data.results.length, 'as many results as the API gave');
  api.data.results.forEach((s, i) => {
    assert.equal(items[i].urn, String(s.urn), 'in the order the API gave');
    if (s.name) assert.ok(items[i].text.includes(s.name), `shows the name ${s.name}`);
    assert.ok(items[i].text.includes(String(s.urn)), 'shows the URN');
    if (s.phase) assert.ok(items[i].text.includes(s.phase), 'shows the phase');
    if (s.la_name) assert.ok(items[i].text.includes(s.la_name), 'shows the LA');
    if (s.trust_name) assert.ok(items[i].text.includes(s.trust_name), 'shows the trust');
  });
  // The LA is linked from the result.
  const laHref = await page.locator(`[data-testid=results] li[data-urn="${urn}"] [data-field=la] a`).getAttribute('href');
  assert.equal(laHref, `#/la/${school.la_code}`);

  // Tab on to the school's link and press Enter.
  assert.ok(
    await tabTo(page, () => document.activeElement && document.activeElement.classList.contains('result-name')),
    'Tab reaches the first result',
  );
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=school-name]');
  assert.match(page.url(), /#\/school\/\d+$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a search by local authority lists its schools in the API order, with LA links', async () => {
  const page = await newPage(shared.browser);
  const q = school.la_name || String(school.la_code);
  await open(page, shared.target.url, `/?q=${encodeURIComponent(q)}`, '[data-testid=results]');
  const api = await getJson(shared.target.url, `/api/v1/schools?q=${encodeURIComponent(q)}&limit=20`);
  const urns = await page.$$eval('[data-testid=results] > li', (lis) => lis.map((li) => Number(li.dataset.urn)));
  assert.deepEqual(urns, api.data.results.map((s) => s.urn));
  const areaLinks = await page.$$eval('[data-testid=area-links] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(areaLinks.includes(`#/la/${school.la_code}`), 'links to the LA page');
  // No match: said in words.
  await page.fill('#find-q', 'zzqqxx no such school');
  await page.waitForFunction(() => /No school matches/.test(document.querySelector('[data-testid=search-status]').textContent));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the footer says which day of the records the figures come from, as the server does', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/', 'h1');
  const health = await getJson(shared.target.url, '/api/v1/health');
  assert.match(health.data.as_of, /^\d{4}-\d{2}-\d{2}$/, 'a pupil-level server names its last day');
  const [y, m, d] = health.data.as_of.split('-').map(Number);
  const month = new Date(Date.UTC(y, m - 1, d)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  await page.waitForSelector('[data-testid=health]');
  const text = await page.locator('[data-testid=health]').innerText();
  assert.ok(text.includes(`Records to ${d} ${month} ${y}.`), text);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('every control is reachable by Tab with a visible focus; axe finds nothing serious; screenshot', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/?q=${encodeURIComponent(school.la_name || String(urn))}`, '[data-testid=results]');
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  assert.deepEqual(kb.noFocusStyle, [], 'every focused control shows its focus');
  assert.ok(kb.reached > 5);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'find');
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, 'find-375');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal scroll at 375 px');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
