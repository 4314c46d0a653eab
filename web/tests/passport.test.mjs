// #/passport: an employer checks a skills passport with no login. The form
// (keyboard, axe), a file that is not JSON (a clear message, no request),
// then against a real `lantern serve` with the passport scripts/web-test
// issues (PASSPORT_DIR, PASSPORT_STATUS_LIST): valid, a grade changed (not
// valid: the signature), the wrong e-mail (not valid), the download, the
// long issuer id at 375 px. Without those variables, or against the mock,
// the checks that need the server are skipped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedTargetAndBrowser, newPage, open, tabThrough, seriousViolations, screenshot, focusReaches } from './helpers.mjs';

const shared = sharedTargetAndBrowser();
const PASSPORT_DIR = process.env.PASSPORT_DIR || '';
const STATUS_LIST = process.env.PASSPORT_STATUS_LIST || '';
const EMAIL = 'learner@example.org';
const VERIFY = '/api/v1/passport/verify';
const skip = () => shared.target.mock || !PASSPORT_DIR || !STATUS_LIST;
const SKIP_WHY = 'needs lantern serve and PASSPORT_DIR, PASSPORT_STATUS_LIST (scripts/web-test)';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-passport-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function openPage(width) {
  const page = await newPage(shared.browser, width ? { width, height: 900 } : undefined);
  page.verifyRequests = [];
  page.on('request', (r) => {
    if (r.url().endsWith(VERIFY)) page.verifyRequests.push(r);
  });
  await open(page, shared.target.url, '/passport', '#passport-file');
  return page;
}

// Fills the form and presses Check; resolves to the server's answer.
async function check(page, { passport, statusList, email }) {
  await page.setInputFiles('#passport-file', passport);
  await page.setInputFiles('#passport-status', statusList || []);
  await page.fill('#passport-email', email || '');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(VERIFY) && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Check', exact: true }).click(),
  ]);
  assert.equal(response.status(), 200, await response.text());
  const data = await response.json();
  await page.waitForSelector('[data-testid=verdict]');
  return data;
}

async function listText(page, testid) {
  return (await page.locator(`[data-testid=${testid}] li`).allInnerTexts()).map((t) => t.trim());
}

test('the form: linked from the header, labelled, keyboard, axe', async () => {
  const page = await openPage();
  await open(page, shared.target.url, '/', '#find-q');
  await page.locator('.site-header').getByRole('link', { name: 'Check a skills passport' }).click();
  await page.waitForSelector('#passport-file');
  assert.equal(await page.locator('h1').innerText(), 'Check a skills passport');
  assert.match(await page.title(), /^Check a skills passport/);
  // The heading takes the focus on a page change.
  await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1');
  await page.getByLabel('Passport file (passport.json or one qualification’s file)').waitFor();
  await page.getByLabel('The issuer’s status list (status-list.json), to check revocation').waitFor();
  await page.getByLabel('The holder’s e-mail address (optional)').waitFor();
  const lede = await page.locator('main .lede').innerText();
  assert.match(lede, /unchanged since/);
  assert.match(lede, /cannot prove who holds that key/);
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  assert.deepEqual(kb.noFocusStyle, []);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'passport-form');

  // Nothing chosen: a message, no request.
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.waitForSelector('[data-testid=passport-error]');
  assert.match(await page.locator('[data-testid=passport-error]').innerText(), /Choose the passport file/);
  assert.equal(page.verifyRequests.length, 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a file that is not JSON gives a clear message and sends nothing', async () => {
  const page = await openPage();
  const file = path.join(tmp, 'passport.json');
  fs.writeFileSync(file, 'This is a letter, not a passport.\n');
  await page.setInputFiles('#passport-file', file);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.waitForSelector('[data-testid=passport-error]');
  const message = await page.locator('[data-testid=passport-error]').innerText();
  assert.match(message, /passport\.json\) is not a JSON file/);
  // The message takes the focus, so a screen reader says it.
  assert.ok(await focusReaches(page, '[data-testid=passport-error]'), 'the focus on the message');
  // A status list that is not JSON, beside a passport that is.
  fs.writeFileSync(path.join(tmp, 'ok.json'), '{"type": ["VerifiableCredential"]}');
  fs.writeFileSync(path.join(tmp, 'status-list.json'), '<html>not found</html>');
  await page.setInputFiles('#passport-file', path.join(tmp, 'ok.json'));
  await page.setInputFiles('#passport-status', path.join(tmp, 'status-list.json'));
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.waitForFunction(() => /status list \(status-list\.json\) is not a JSON file/.test(document.querySelector('[data-testid=passport-error]')?.innerText || ''));
  await page.waitForTimeout(300);
  assert.equal(page.verifyRequests.length, 0, 'no request is made');
  assert.equal(await page.locator('[data-testid=passport-result]').count(), 0);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a passport as issued, with its status list and e-mail, is valid', async (t) => {
  if (skip()) return t.skip(SKIP_WHY);
  const page = await openPage();
  const data = await check(page, { passport: path.join(PASSPORT_DIR, 'passport.json'), statusList: STATUS_LIST, email: EMAIL });
  assert.equal(data.valid, true, JSON.stringify(data.problems));
  assert.ok(data.items.length > 0);
  const verdict = await page.locator('[data-testid=verdict]').innerText();
  assert.equal(verdict, 'Valid: every check made passed');
  // The result's heading takes the focus; the live region says the verdict.
  assert.ok(await focusReaches(page, '#passport-result-title'), 'the focus on the result');
  assert.match(await page.locator('#announce').innerText(), /^Valid/);

  // The table: one row per item, as the server gave them.
  const table = page.locator('[data-testid=passport-items] table');
  assert.equal(await table.locator('caption').innerText(), 'Qualifications in this passport');
  const rows = table.locator('tbody tr');
  assert.ok((await rows.count()) >= 1);
  assert.equal(await rows.count(), data.items.length);
  for (let i = 0; i < data.items.length; i++) {
    const it = data.items[i];
    const cells = (await rows.nth(i).locator('th, td').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(cells, [it.name, it.type, it.result, it.level, it.awarded]);
  }
  assert.equal(await page.locator('[data-testid=not-verified]').count(), 0);
  // Who issued it, with the full id.
  const issuer = page.locator('[data-testid=issuer]').first();
  assert.match(await issuer.innerText(), new RegExp(`Issued by ${data.items[0].issuer}`));
  assert.equal(await issuer.locator('code').innerText(), data.items[0].issuer_id);
  assert.match(data.items[0].issuer_id, /^did:key:z/);
  assert.deepEqual(await listText(page, 'problems'), []);
  assert.match(await page.locator('[data-testid=problems]').innerText(), /None/);
  assert.equal((await listText(page, 'checks')).length, data.checks.length);
  assert.equal((await listText(page, 'notes')).length, data.notes.length);

  // The download: the check as the server answered it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download this check (JSON)' }).click()]);
  assert.match(download.suggestedFilename(), /^passport-check-.*\.json$/);
  assert.deepEqual(JSON.parse(fs.readFileSync(await download.path(), 'utf8')), data);
  // And the table's own downloads.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=passport-items]').getByRole('button', { name: /Download CSV/ }).click()]);
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split(/\r\n/);
  assert.equal(lines.length, data.items.length + 1);

  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  const kb = await tabThrough(page);
  assert.deepEqual(kb.missed, [], `controls not reached by Tab: ${kb.missed.join(', ')}`);
  await screenshot(page, 'passport');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('one qualification’s file on a phone: valid, and the issuer id wraps', async (t) => {
  if (skip()) return t.skip(SKIP_WHY);
  const page = await openPage(375);
  const item = fs.readdirSync(PASSPORT_DIR).filter((f) => f.endsWith('.json') && f !== 'passport.json').sort()[0];
  const data = await check(page, { passport: path.join(PASSPORT_DIR, item), statusList: STATUS_LIST, email: EMAIL });
  assert.equal(data.valid, true, JSON.stringify(data.problems));
  assert.equal(data.items.length, 1);
  assert.equal(await page.locator('[data-testid=passport-items] tbody tr').count(), 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 375 px`);
  const did = await page.locator('[data-testid=issuer] code').boundingBox();
  assert.ok(did.x + did.width <= 375, 'the issuer id stays inside the screen');
  await screenshot(page, 'passport-375');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a passport with a grade changed is not valid: the signature', async (t) => {
  if (skip()) return t.skip(SKIP_WHY);
  const page = await openPage();
  const passport = JSON.parse(fs.readFileSync(path.join(PASSPORT_DIR, 'passport.json'), 'utf8'));
  const result = passport.credentialSubject.verifiableCredential[0].credentialSubject.result[0];
  result.value = result.value === '9' ? '8' : '9';
  const file = path.join(tmp, 'changed-passport.json');
  fs.writeFileSync(file, JSON.stringify(passport, null, 2));
  const data = await check(page, { passport: file, statusList: STATUS_LIST, email: EMAIL });
  assert.equal(data.valid, false);
  assert.equal(await page.locator('[data-testid=verdict]').innerText(), 'Not valid');
  assert.match(await page.locator('#announce').innerText(), /^Not valid/);
  const problems = await listText(page, 'problems');
  assert.ok(problems.length >= 1);
  assert.ok(problems.some((p) => /signature/i.test(p)), `a problem names the signature: ${problems.join(' | ')}`);
  // The changed grade is shown, marked not verified.
  const first = page.locator('[data-testid=passport-items] tbody tr').first();
  assert.equal((await first.locator('td').nth(1).innerText()).trim(), result.value);
  assert.equal(await first.locator('[data-testid=not-verified]').innerText(), 'not verified');
  assert.equal(await page.locator('[data-testid=not-verified]').count(), data.items.filter((i) => !i.verified).length);
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await screenshot(page, 'passport-invalid');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a passport checked with another e-mail address is not valid', async (t) => {
  if (skip()) return t.skip(SKIP_WHY);
  const page = await openPage();
  const data = await check(page, { passport: path.join(PASSPORT_DIR, 'passport.json'), statusList: STATUS_LIST, email: 'someone.else@example.org' });
  assert.equal(data.valid, false);
  assert.equal(await page.locator('[data-testid=verdict]').innerText(), 'Not valid');
  const problems = await listText(page, 'problems');
  assert.ok(problems.some((p) => p.includes('someone.else@example.org')), `a problem names the e-mail: ${problems.join(' | ')}`);
  // Without the status list, revocation is left for the employer to judge.
  const again = await check(page, { passport: path.join(PASSPORT_DIR, 'passport.json'), email: EMAIL });
  assert.equal(again.valid, true, JSON.stringify(again.problems));
  assert.equal(await page.locator('[data-testid=verdict]').innerText(), 'Valid: every check made passed');
  assert.equal((await listText(page, 'notes')).length, again.notes.length);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
