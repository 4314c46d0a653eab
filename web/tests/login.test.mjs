// #/login: keyboard log-in and log-out, the server's error message, CSRF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTargetAndBrowser, newPage, open, creds, tabThrough, seriousViolations, screenshot, focusReaches } from './helpers.mjs';

const shared = sharedTargetAndBrowser();


async function tabTo(page, id, max = 30) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((x) => document.activeElement && document.activeElement.id === x, id)) return true;
  }
  return false;
}

test('a wrong password shows the server’s message', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/login', '#login-username');
  // A name no account has: the server answers exactly as for a wrong
  // password, and a real account is not brought nearer its lock-out.
  const username = `no-such-user-${Date.now()}`;
  assert.ok(await tabTo(page, 'login-username'), 'Tab reaches the username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type('not-the-password-1');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
    page.keyboard.press('Enter'),
  ]);
  assert.ok(response.status() === 401 || response.status() === 429, `status ${response.status()}`);
  const { error } = await response.json();
  await page.waitForSelector('[data-testid=login-error]');
  const shown = (await page.locator('[data-testid=login-error]').innerText()).trim();
  assert.equal(shown.toLowerCase(), error.toLowerCase());
  // The message takes the focus, so a screen reader says it.
  assert.ok(await focusReaches(page, '[data-testid=login-error]'), 'the focus on the message');
  assert.equal(await page.locator('#login-password').inputValue(), '', 'the password is cleared');
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'login-error');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a keyboard user logs in and out; the CSRF token goes with the DELETE', async () => {
  const page = await newPage(shared.browser);
  await open(page, shared.target.url, '/login', '#login-username');
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  assert.deepEqual(kb.noFocusStyle, []);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'login');

  await page.locator('#login-username').focus();
  await page.keyboard.type(creds.user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(creds.password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
    page.keyboard.press('Enter'),
  ]);
  assert.equal(response.status(), 200);
  const session = await response.json();
  await page.waitForSelector('[data-testid=username]');
  assert.equal(await page.locator('[data-testid=username]').innerText(), creds.user);
  // The cookie works: the server knows who is logged in.
  const who = await page.evaluate(async () => (await fetch('/api/v1/session', { credentials: 'same-origin' })).json());
  assert.equal(who.username, creds.user);
  // The cookie is HttpOnly: the page cannot read it.
  assert.ok(!(await page.evaluate(() => document.cookie)).includes('lantern_session'));

  // Log out with the keyboard.
  const logOut = page.getByRole('button', { name: 'Log out' }).first();
  await logOut.focus();
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/v1/session') && r.method() === 'DELETE'),
    page.keyboard.press('Enter'),
  ]);
  assert.equal(request.headers()['x-csrf-token'], session.csrf_token);
  await page.waitForSelector('.site-header a[href="#/login"]');
  const after = await page.evaluate(async () => (await fetch('/api/v1/session', { credentials: 'same-origin' })).status);
  assert.equal(after, 401);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
