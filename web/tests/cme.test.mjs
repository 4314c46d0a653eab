// #/la/CODE for a user of that LA: the children missing education caseload
// (docs/local-outcomes.md), the rows the API gives; for anyone else, no
// caseload section at all. Needs a real server with the demo accounts
// (scripts/web-test): against the development mock it is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sharedTargetAndBrowser, newPage, open, creds, getJson, seriousViolations, resultsDir, logIn } from './helpers.mjs';

const shared = sharedTargetAndBrowser();

const laUser = process.env.LANTERN_DEMO_LA_USER;
const laCode = process.env.LANTERN_DEMO_LA_CODE;


test('the home LA sees its caseload, as the API gives it', { skip: !laUser || shared.target?.mock }, async () => {
  const page = await newPage(shared.browser);
  await logIn(page, shared.target.url, laUser, creds.password);
  // The API with the same session: what the page must show.
  const cookies = await page.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const api = await getJson(shared.target.url, `/api/v1/las/${laCode}/cme`, { headers: { Cookie: cookie } });
  assert.equal(api.status, 200);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=cme]');
  const rows = page.locator('[data-testid=cme-table] tbody tr');
  const cases = api.data.cases;
  if (cases.length === 0) {
    assert.equal((await rows.first().innerText()).trim(), 'No rows.');
  } else {
    assert.equal(await rows.count(), cases.length);
    const upns = await page.locator('[data-testid=cme-table] tbody tr th, [data-testid=cme-table] tbody tr td:first-child').allInnerTexts();
    for (const c of cases.slice(0, 20)) assert.ok(upns.some((u) => u.includes(c.upn)), `${c.upn} is listed`);
    // The last marks a day a line, each whole: the column is narrow.
    const withMarks = cases.find((c) => c.last_marks);
    if (withMarks) {
      const lines = rows.filter({ hasText: withMarks.upn }).first().locator('td[data-col=last_marks] .line');
      const days = withMarks.last_marks.split('; ').filter(Boolean);
      assert.deepEqual(await lines.allInnerTexts(), days);
      const boxes = await lines.evaluateAll((spans) =>
        spans.map((s) => {
          const range = document.createRange();
          range.selectNodeContents(s);
          return range.getClientRects().length;
        }),
      );
      assert.deepEqual(boxes, days.map(() => 1), 'each day on one line');
    }
  }
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  // The caseload in view (a full-page shot of a long list takes minutes).
  await page.locator('#cme-h').scrollIntoViewIfNeeded();
  fs.mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'la-cme.png') });
  assert.deepEqual(page.errors, []);
});

test('anyone else sees no caseload section', { skip: !laUser || shared.target?.mock }, async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=area-name]');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid=cme]').count(), 0, 'the public sees none');
  await logIn(page, shared.target.url, creds.user, creds.password);
  await open(page, shared.target.url, `/la/${laCode}`, '[data-testid=area-name]');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-testid=cme]').count(), 0, 'a school user sees none');
  assert.deepEqual(page.errors, []);
});
