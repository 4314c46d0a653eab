// #/school/URN/voice and #/la/CODE/voice: who was not heard first, the
// questions in collapsible domain sections (the first open, so the page is
// short), each question's distribution with its table and download,
// withheld cells in words, the change since last year in words with its
// interval, the caution, the chart toggle, the keyboard, axe, screenshots.
// Needs a real `lantern serve` over a store with a voice wave and the
// previous year's store (scripts/web-test generates both with --with-voice);
// against the mock it is skipped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sharedTargetAndBrowser, newPage, open, getJson, tabThrough, seriousViolations, screenshot } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let urn;
let voice;
let laCode;

// After the target and the browser have started.
// Every chart's text (the group labels with n and response rate) stays
// inside its chart, and is drawn at a readable size: the chart fills its
// card at its own scale instead of a wider drawing shrunk to fit.
async function checkChartsFit(page, width) {
  const clipped = await page.locator('[data-chart] svg').evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('text')]
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
        })
        .map((t) => t.textContent);
    }),
  );
  assert.deepEqual(clipped, [], `chart text cut off at ${width}`);
  const small = await page.locator('[data-chart]').evaluateAll((charts) =>
    charts.flatMap((c) => {
      const svg = c.querySelector(':scope > svg, :scope > figure > svg');
      if (!svg) return ['no chart drawn'];
      const drawn = Number(svg.getAttribute('width'));
      const shown = svg.getBoundingClientRect().width;
      return shown < drawn - 1 || shown < c.clientWidth - 2 ? [`${Math.round(shown)} px shown of ${drawn} drawn in ${c.clientWidth}`] : [];
    }),
  );
  assert.deepEqual(small, [], `charts drawn at the width of their card at ${width}`);
}

async function setUp() {
  if (shared.target.mock) return;
  // A school whose all-pupils distributions are published (a base of 10).
  const all = (await getJson(shared.target.url, '/api/v1/schools?q=&limit=200')).data.results;
  // Preferably one with a change since last year worked out.
  for (const s of all) {
    const r = await getJson(shared.target.url, `/api/v1/schools/${s.urn}/voice`);
    if (r.status !== 200) continue;
    if (r.data.distributions.some((d) => d.breakdown === 'All pupils' && !d.withheld_reason)) {
      const changed = (r.data.change || []).some((c) => c.breakdown === 'All pupils' && c.conclusion);
      if (!urn || changed) {
        urn = s.urn;
        voice = r.data;
        laCode = s.la_code ?? s.old_la_code;
      }
      if (changed) break;
    }
  }
}

const skip = () => shared.target.mock || !urn;

// Opens every closed domain section, one at a time (each opens on click).
async function openAll(page) {
  const closed = page.locator('[data-testid=voice-domain]:not([open]) > summary');
  for (let n = await closed.count(); n > 0; n = await closed.count()) {
    await closed.first().click();
    await page.waitForTimeout(100);
  }
}

test('the school page shows who was not heard first, then each question with its table', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.waitForSelector('[data-chart] svg', { timeout: 30000 });
  const headings = await page.locator('main h2').allInnerTexts();
  assert.equal(headings[0], 'Who was not heard');
  assert.equal(headings[1], 'How pupils answered');
  assert.match(await page.locator('[data-testid=caution]').innerText(), /random variation/);
  const period = voice.distributions.map((r) => r.time_period).sort().pop();
  const under = voice.coverage.filter((r) => r.time_period === period && r.under_heard === 'Y');
  assert.equal(await page.locator('[data-testid=under-heard] li').count(), under.length);
  // The page opens short: one domain open, the others closed.
  const domains = new Set(voice.items.filter((it) => voice.distributions.some((r) => r.time_period === period && r.item_id === it.item_id)).map((it) => it.domain));
  assert.equal(await page.locator('[data-testid=voice-domain]').count(), domains.size);
  assert.equal(await page.locator('[data-testid=voice-domain][open]').count(), 1);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 5000, `the page is ${height}px long`);
  // Opening every domain shows one section per question, each with its table.
  await openAll(page);
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
  // At 1280 px each question's table fits its card: no column starts off-screen.
  const cut = await page.locator('[data-testid=voice-item] [data-testid=voice-table] table').evaluateAll((ts) => ts.filter((tb) => tb.scrollWidth > tb.parentElement.clientWidth + 1).length);
  assert.equal(cut, 0, 'a question table scrolls sideways');
  // CSV of one question's table, made in the browser.
  const block = page.locator(`[data-item="${row.item_id}"] [data-testid=voice-table]`);
  const [csv] = await Promise.all([page.waitForEvent('download'), block.getByRole('button', { name: /Download CSV/ }).click()]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], 'breakdown,response_label,respondents,percent,base_n,group_response_rate,withheld_reason');
  // The theme selector shows one domain only.
  const first = [...domains][domains.size - 1];
  await page.locator('[data-testid=domain]').selectOption(first);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('[data-testid=voice-domain]').count(), 1);
  assert.equal(await page.locator('[data-testid=voice-domain]').getAttribute('data-domain'), first);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('each question says how it changed since last year, with its interval', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const period = voice.distributions.map((r) => r.time_period).sort().pop();
  const changes = (voice.change || []).filter((c) => c.time_period === period && c.breakdown === 'All pupils');
  if (!changes.length) return t.skip('no previous wave for this school');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.waitForSelector('[data-chart] svg', { timeout: 30000 });
  await openAll(page);
  // A change with a conclusion: its words and interval in its question's card.
  const c = changes.find((x) => x.conclusion) || changes[0];
  const text = await page.locator(`[data-item="${c.item_id}"] [data-testid=voice-change]`).innerText();
  if (c.conclusion) {
    assert.ok(text.includes(c.conclusion), `${c.item_id}: ${text}`);
    assert.match(text, /95% interval/);
    assert.ok(text.includes(`${c.current_positive_percent}%`) && text.includes(`${c.previous_positive_percent}%`), text);
  } else {
    assert.match(text, /withheld|Not comparable/);
  }
  // Only the three conclusions the rule allows.
  for (const x of changes) assert.ok(['', 'higher than last year', 'lower than last year', 'no clear change'].includes(x.conclusion), x.conclusion);
  assert.equal(await page.locator('[data-testid=change-table]').count(), 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a withheld distribution says so with its reason; sex breakdown', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.locator('[data-testid=topic]').selectOption('Sex');
  await page.waitForTimeout(500);
  await openAll(page);
  const period = voice.distributions.map((r) => r.time_period).sort().pop();
  const withheld = voice.distributions.find((d) => d.time_period === period && d.breakdown_topic === 'Sex' && d.withheld_reason);
  if (withheld) {
    const text = await page.locator(`[data-item="${withheld.item_id}"] [data-testid=withheld]`).innerText();
    assert.ok(text.includes(withheld.withheld_reason), text);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard, axe and screenshots of the school and LA pages', async (t) => {
  if (skip()) return t.skip('needs lantern serve with a voice wave');
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/school/${urn}/voice`, '[data-testid=voice]');
  await page.waitForSelector('[data-chart] svg', { timeout: 30000 });
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await checkChartsFit(page, '1280 px');
  await screenshot(page, 'voice-school');
  await page.locator('[data-testid=stacked]').check();
  await page.waitForTimeout(800);
  await screenshot(page, 'voice-school-stacked');
  // On a phone the page does not scroll sideways (a wide table scrolls in its own region).
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(500);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal scroll at 375 px');
  await checkChartsFit(page, '375 px');
  await screenshot(page, 'voice-375');
  await page.setViewportSize({ width: 1280, height: 900 });
  if (laCode) {
    await open(page, shared.target.url, `/la/${laCode}/voice`, '[data-testid=voice]');
    await page.waitForSelector('[data-chart] svg, .not-plotted', { timeout: 30000 });
    const v2 = await seriousViolations(page);
    assert.deepEqual(v2, [], v2.join('\n'));
    await screenshot(page, 'voice-la');
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
