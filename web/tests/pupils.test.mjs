// #/school/URN/pupils: 401 asks for a login, 403 refuses without saying
// whether the school exists, 200 lists the pupils the API gives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, creds, knownSchool, tabThrough, seriousViolations, screenshot, fmt, logIn } from './helpers.mjs';

const shared = sharedTargetAndBrowser(setUp);

let urn;

// After the target and the browser have started.
async function setUp() {
  urn = await knownSchool(shared.target.url);
}

test('not logged in: a login prompt, which leads back to the pupils', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, `/school/${urn}/pupils`, '[data-testid=login-needed]');
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'pupils-login');
  await page.getByRole('link', { name: 'Log in' }).last().click();
  await page.waitForSelector('#login-username');
  await page.fill('#login-username', creds.user);
  await page.fill('#login-password', creds.password);
  await page.locator('#login-password').press('Enter');
  await page.waitForSelector('[data-testid=pupils], [data-testid=not-entitled]');
  assert.match(page.url(), new RegExp(`#/school/${urn}/pupils$`));
  await page.context().close();
});

test('an entitled user sees the pupils the API gives, and who can see them', async () => {
  const page = await newPage(shared.browser);
  await logIn(page, shared.target.url, creds.user, creds.password);
  const api = await page.evaluate(async (u) => (await fetch(`/api/v1/schools/${u}/pupils`, { credentials: 'same-origin' })).json(), urn);
  await open(page, shared.target.url, `/school/${urn}/pupils`, '[data-testid=pupils]');
  assert.equal(await page.locator('[data-testid=basis]').innerText(), api.basis);
  assert.equal(await page.locator('[data-testid=pupil-count]').innerText(), String(api.pupils.length));
  const rows = page.locator('[data-testid=pupil-table] tbody tr');
  assert.equal(await rows.count(), Math.max(1, api.pupils.length));
  if (api.pupils.length) {
    const first = api.pupils[0];
    const text = await rows.first().innerText();
    assert.ok(text.includes(first.upn), 'the first UPN');
    if (first.attendance && typeof first.attendance.percent === 'number') assert.ok(text.includes(fmt(first.attendance.percent, 1)), 'its attendance');
  }
  // Only the columns of the data classes shared.
  const heads = await page.$$eval('[data-testid=pupil-table] thead th', (ths) => ths.map((t) => t.textContent));
  assert.equal(heads.some((h) => /Suspensions/.test(h)), api.classes.includes('suspensions'));
  assert.equal(heads.some((h) => /^SEN$/.test(h)), api.classes.includes('sen'));
  assert.equal(heads.some((h) => /Attendance/.test(h)), api.classes.includes('attendance'));
  const who = await page.locator('[data-testid=who-table]').innerText();
  for (const w of api.who_can_see) assert.ok(who.includes(w.username), `who can see: ${w.username}`);

  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'pupils');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a user not entitled sees the 403 message and nothing about the school', async () => {
  const page = await newPage(shared.browser);
  await logIn(page, shared.target.url, creds.otherUser, creds.otherPassword);
  const status = await page.evaluate(async (u) => {
    const r = await fetch(`/api/v1/schools/${u}/pupils`, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  }, urn);
  assert.equal(status.status, 403);
  await open(page, shared.target.url, `/school/${urn}/pupils`, '[data-testid=not-entitled]');
  const text = await page.locator('[data-testid=not-entitled]').innerText();
  assert.ok(text.toLowerCase().includes(status.body.error.toLowerCase()), text);
  assert.match(text, /You are not entitled to see this school's pupils/);
  // The same page for a URN that does not exist: no hint either way.
  await open(page, shared.target.url, '/school/999999/pupils', '[data-testid=not-entitled]');
  const other = await page.locator('main').innerText();
  assert.equal(other, await page.locator('main').innerText());
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await open(page, shared.target.url, `/school/${urn}/pupils`, '[data-testid=not-entitled]');
  const first = await page.locator('main').innerText();
  assert.equal(first, other, 'the refusal reads the same for a school that does not exist');
  await screenshot(page, 'pupils-403');
  await page.context().close();
});
