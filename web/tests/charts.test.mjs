// Every chart's text whole and inside its chart, on a laptop and a phone:
// row names beside their rows where they fit, above them where not
// (src/charts.js rowLabels), axis figures inside the frame, the flow
// diagrams' node names on as many lines as they need (src/components/Sankey.jsx:
// a trust's name has no shorter form, so the diagram grows instead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, getJson, knownSchool, cutChartText } from './helpers.mjs';

const shared = sharedTargetAndBrowser(async () => {});

test('no chart text is cut or outside its chart on any page, at 1280 and 375 px', async () => {
  const urn = await knownSchool(shared.target.url);
  const card = (await getJson(shared.target.url, `/api/v1/schools/${urn}/scorecard`)).data;
  const pages = [`/school/${urn}`, `/la/${card.old_la_code}`, '/measures'];
  if (card.trust_id) pages.push(`/trust/${encodeURIComponent(card.trust_id)}`);
  if (!shared.target.mock) {
    pages.push(`/school/${urn}/voice`, `/la/${card.old_la_code}/voice`);
    const places = (await getJson(shared.target.url, '/api/v1/places')).data;
    if (places.regions?.length) pages.push(`/region/${places.regions[0].code}`);
    if (places.places?.length) pages.push(`/place/${encodeURIComponent(places.places[0].code)}`);
  }
  let charts = 0;
  for (const width of [1280, 375]) {
    for (const p of pages) {
      const page = await newPage(shared.browser, { width, height: 900 });
      await open(page, shared.target.url, p, 'main');
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(1500);
      charts += await page.locator('[data-chart] svg').count();
      const cut = await cutChartText(page);
      assert.deepEqual(cut, [], `${p} at ${width} px`);
      assert.deepEqual(page.errors, [], p);
      await page.close();
    }
  }
  assert.ok(charts > pages.length, `${charts} charts drawn`);
});
