// #/caseload: 401 asks for a login; a role with no caseload gets the 403
// message; an LA user sees the flagged pupils and the referrals the API
// gives, with clocks in words (a breach says "Breached", not only red),
// escalations due first, and can record a response.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, creds, tabThrough, seriousViolations, screenshot, logIn } from './helpers.mjs';

const shared = sharedTargetAndBrowser();

const env = process.env;
const laUser = env.LANTERN_DEMO_LA_USER || 'demo-la';


const caseloadApi = (page) => page.evaluate(async () => (await fetch('/api/v1/caseload', { credentials: 'same-origin' })).json());

test('not logged in: a login prompt', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/caseload', '[data-testid=login-needed]');
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await page.context().close();
});

test('an LA user sees the flagged pupils and referrals the API gives, and records a response', async () => {
  const page = await newPage(shared.browser);
  await logIn(page, shared.target.url, laUser);
  const api = await caseloadApi(page);
  assert.ok(api.pupils.length > 0, 'the generated LA has flagged pupils');
  assert.ok(api.referrals.length > 0, 'and referrals');
  await open(page, shared.target.url, '/caseload', '[data-testid=caseload]');
  assert.equal(await page.locator('[data-testid=pupil-count]').innerText(), String(api.pupils.length));
  assert.equal(await page.locator('[data-testid=due-count]').innerText(), String(api.escalations_due));
  // The first pupil's reasons in words.
  const firstPupil = await page.locator('[data-testid=flag-table] tbody tr').first().innerText();
  assert.ok(firstPupil.includes(api.pupils[0].upn));
  assert.ok(firstPupil.includes(api.pupils[0].flags[0].reason), 'the reason in words');
  assert.ok(firstPupil.includes(api.pupils[0].flags[0].meaning), 'what the trigger means');
  // Referrals: escalations due first, clocks in school days, breaches in words.
  const first = api.referrals[0];
  const firstRef = await page.locator('[data-testid=referral-table] tbody tr').first().innerText();
  assert.ok(firstRef.includes(`#${first.id}`));
  assert.match(firstRef, new RegExp(`\\(standard ${first.acknowledge_within}\\)`));
  if (api.escalations_due > 0) {
    assert.ok(first.escalation_due, 'escalations due come first');
    assert.ok(firstRef.includes(`Due: ${first.escalation_due_to}`));
  }
  if (first.acknowledge_breached) assert.match(firstRef, /Breached/);
  // A date stays on one line: the narrow "Raised" column broke it at a hyphen.
  const raised = page.locator('[data-testid=referral-table] tbody tr td[data-col=raised]').first();
  assert.match(await raised.innerText(), /^\d{4}-\d{2}-\d{2}$/);
  const lineBoxes = await raised.evaluate((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return range.getClientRects().length;
  });
  assert.equal(lineBoxes, 1, 'the date on one line');
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed.filter((m) => !/Update referral/.test(m)), [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'caseload');

  // A long list shows 50 rows, and 50 more at each "Show more".
  const caption = () => page.locator('[data-testid=referral-table] .table-title').innerText();
  const total = Number((await caption()).match(/shown of (\d+)/)[1]);
  const rows = () => page.locator('[data-testid=referral-table] tbody tr').count();
  assert.equal(await rows(), Math.min(50, total));
  if (total > 50) {
    await page.locator('[data-testid=more-referrals]').click();
    assert.equal(await rows(), Math.min(100, total));
    assert.match(await caption(), new RegExp(`^Referrals, open and closed \\(${Math.min(100, total)} shown of ${total}\\)`));
  } else {
    assert.equal(await page.locator('[data-testid=more-referrals]').count(), 0);
  }

  // Record a response to the first open referral (found by its UPN).
  const target1 = api.referrals.find((r) => r.status === 'raised');
  assert.ok(target1, 'an open referral');
  await page.fill('#caseload-filter', target1.upn);
  await page.getByRole('button', { name: `Update referral ${target1.id}`, exact: true }).click();
  assert.equal(await page.locator('#referral-id').inputValue(), String(target1.id));
  await page.selectOption('#referral-status', 'acknowledged');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(() => /is now acknowledged/.test(document.querySelector('[data-testid=update-message]')?.textContent || ''));
  const after = await caseloadApi(page);
  assert.equal(after.referrals.find((r) => r.id === target1.id).status, 'acknowledged');
  // Closing needs an outcome: the server's refusal is shown.
  await page.selectOption('#referral-status', 'closed');
  await page.fill('#referral-id', String(target1.id));
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForSelector('[data-testid=update-error]');
  await screenshot(page, 'caseload-update');
  // The one 400 is the refusal asked for above.
  assert.deepEqual(page.errors.filter((e) => !/status of 400/.test(e)), []);
  await page.context().close();
});

test('a national user has no caseload: the 403 message', async () => {
  const page = await newPage(shared.browser);
  await logIn(page, shared.target.url, creds.otherUser);
  await open(page, shared.target.url, '/caseload', '[data-testid=not-entitled]');
  assert.match(await page.locator('[data-testid=not-entitled]').innerText(), /only school, trust and LA users/i);
  assert.equal(await page.locator('[data-testid=caseload]').count(), 0);
  await page.context().close();
});
