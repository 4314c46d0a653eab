// #/school/URN/voice and #/la/CODE/voice: who was not heard first, each
// question's distribution with its table, withheld cells in words, the
// caution, the chart toggle, CSV, the keyboard, axe, screenshots. Needs a
// real `lantern serve` over a store with a voice wave (scripts/web-test
// generates one with --with-voice); against the mock it is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTarget, launch, newPage, open, getJson, tabThrough, seriousViolations, screenshot } from './helpers.mjs';

let target;
let browser;
let urn;
let voice;
let laCode;

before(async () => {
  target = await startTarget();
  if (target.mock) return;
  browser = await launch();
  // A school whose all-pupils distributions are published (a base of 10).
  const all = (await getJson(target.url, '/api/v1/schools?q=&limit=200')).data.results;
  for (const s of all) {
    const r = await getJson(target.url, `/api/v1/schools/${s.urn}/voice`);
    if (r.status !== 200) continue;
    if (r.data.distributions.some((d) => d.breakdown === 'All pupils' && !d.withheld_reason)) {
      urn = s.urn;
      voice = r.data;
      laCode = s.la_code ?? s.old_la_code;
      break;
    }
  }
});
after(async () => {
  await browser?.close();
  await target?.stop();
});

const skip = () => target.mock || !urn;

test('the school page shows who was not heard first, then each question with its table', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const page = await newPage(browser);
  await open(page, target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.waitForSelector('[data-chart] svg', { timeout: 30000 });
  const headings = await page.locator('main h2').allInnerTexts();
  assert.equal(headings[0], 'Who was not heard');
  assert.equal(headings[1], 'How pupils answered');
  assert.match(await page.locator('[data-testid=caution]').innerText(), /random variation/);
  const period = voice.distributions.map((r) => r.time_period).sort().pop();
  const under = voice.coverage.filter((r) => r.time_period === period && r.under_heard === 'Y');
  assert.equal(await page.locator('[data-testid=under-heard] li').count(), under.length);
  // One section per question the school was asked, each with its table.
  const items = new Set(voice.distributions.filter((r) => r.time_period === period).map((r) => r.item_id));
  assert.equal(await page.locator('[data-testid=voice-item]').count(), items.size);
  assert.equal(await page.locator('[data-testid=voice-item] [data-testid=voice-table]').count(), items.size);
  // The first published all-pupils row's respondents are in its table.
  const row = voice.distributions.find((d) => d.time_period === period && d.breakdown === 'All pupils' && !d.withheld_reason && /^\d+$/.test(d.respondents));
  const table = await page.locator(`[data-item="${row.item_id}"] [data-testid=voice-table] table`).innerText();
  assert.ok(table.includes(row.response_label) && table.includes(row.respondents), `${row.item_id}: ${row.response_label} ${row.respondents}`);
  // No mean, score or rank column anywhere.
  for (const h of await page.locator('main th[scope=col]').allInnerTexts()) assert.doesNotMatch(h, /\b(mean|score|rank)\b/i);
  // The 100%-stacked alternative redraws the charts.
  await page.locator('[data-testid=stacked]').check();
  await page.waitForTimeout(1000);
  assert.ok((await page.locator('[data-chart] svg').count()) > 0);
  assert.equal(await page.locator('[data-chart] p').count(), 0, 'every chart drew');
  // CSV of one question's table, made in the browser.
  const block = page.locator(`[data-item="${row.item_id}"] [data-testid=voice-table]`);
  const [csv] = await Promise.all([page.waitForEvent('download'), block.getByRole('button', { name: /Download CSV/ }).click()]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], 'breakdown,response_label,respondents,percent,base_n,group_response_rate,withheld_reason');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a withheld distribution says so with its reason; sex breakdown', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const page = await newPage(browser);
  await open(page, target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.locator('[data-testid=topic]').selectOption('Sex');
  await page.waitForTimeout(500);
  const withheld = voice.distributions.find((d) => d.breakdown_topic === 'Sex' && d.withheld_reason);
  if (withheld) {
    const text = await page.locator(`[data-item="${withheld.item_id}"] [data-testid=withheld]`).innerText();
    assert.ok(text.includes(withheld.withheld_reason), text);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard, axe and screenshots of the school and LA pages', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const page = await newPage(browser);
  await open(page, target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.waitForSelector('[data-chart] svg', { timeout: 30000 });
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'voice-school');
  await page.locator('[data-testid=stacked]').check();
  await page.waitForTimeout(800);
  await screenshot(page, 'voice-school-stacked');
  if (laCode) {
    await open(page, target.url, `/la/${laCode}/voice`, '[data-testid=voice]');
    await page.waitForSelector('[data-chart] svg, .not-plotted', { timeout: 30000 });
    const v2 = await seriousViolations(page);
    assert.deepEqual(v2, [], v2.join('\n'));
    await screenshot(page, 'voice-la');
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
