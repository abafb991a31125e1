// End-to-end: account security in the browser (v1.1). The settings page ends another session,
// changes the password, turns on two-factor with the QR code's secret, and the login form then asks
// for a code; the admin's users page pages through accounts and deactivates one.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { PASSWORD, api, launchBrowser, loginUi, newPage, registerApi, registerUi, reportOnFailure, startServer, uniq, waitFor } from './helpers.mjs';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: the 6-digit code of `secret` (base32) at 30-second `step`. */
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 30_000);

/** The current step, once at least `left` seconds of it remain (codes typed now stay current). */
async function steadyStep(left = 8) {
  const remaining = 30 - ((Date.now() / 1000) % 30);
  if (remaining < left) await new Promise((r) => setTimeout(r, remaining * 1000 + 100));
  return stepNow();
}

async function openSettings(page) {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Account settings' }).waitFor();
}

describe('account security in the browser', () => {
  let server;
  let browser;
  let admin;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await registerApi(server.url, uniq('root')); // the first account: the admin
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('the settings page lists the sessions and ends another one', async () => {
    const name = uniq('ses');
    const here = await newPage(browser, server.url);
    const there = await newPage(browser, server.url);
    await registerUi(here.page, name);
    await loginUi(there.page, name);
    await openSettings(here.page);
    const list = here.page.getByTestId('sessions');
    await waitFor(async () => (await list.locator('li').count()) === 2, 'two sessions listed');
    const current = list.locator('li[data-current]');
    assert.equal(await current.count(), 1);
    assert.match(await current.innerText(), /This device/);
    await list.getByRole('button', { name: /^Sign out the session on/ }).click();
    await waitFor(async () => (await list.locator('li').count()) === 1, 'one session left');
    // The other browser is signed out: its socket closes (4001) and its refresh is refused.
    await there.page.getByText('Your session has expired. Please log in again.').waitFor({ timeout: 20_000 });
    // This one goes on.
    await here.page.getByRole('link', { name: /Back to chat/ }).click();
    await here.page.getByRole('navigation', { name: 'Rooms' }).waitFor();
    await here.context.close();
    await there.context.close();
  });

  test('changing the password signs out the other sessions, not this one', async () => {
    const name = uniq('pwd');
    const here = await newPage(browser, server.url);
    const there = await newPage(browser, server.url);
    await registerUi(here.page, name);
    await loginUi(there.page, name);
    await openSettings(here.page);
    const form = here.page.locator('form', { has: here.page.getByLabel('Current password') });
    await form.getByLabel('Current password').fill('not the password');
    await form.getByLabel('New password', { exact: true }).fill('a new passphrase');
    await form.getByLabel('Repeat the new password').fill('a new passphrase');
    await form.getByRole('button', { name: 'Change password' }).click();
    await here.page.getByText('The current password is wrong.').waitFor();
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await here.page.getByText('Password changed. Your other sessions were signed out.').waitFor();
    await there.page.getByText('Your session has expired. Please log in again.').waitFor({ timeout: 20_000 });
    const list = here.page.getByTestId('sessions');
    await waitFor(async () => (await list.locator('li').count()) === 1, 'only this session left');
    await api(server.url, 'POST', '/api/auth/login', { username: name, password: 'a new passphrase' });
    await here.context.close();
    await there.context.close();
  });

  test('two-factor: enrol with the QR code, see the recovery codes once, log in with a code', async () => {
    const name = uniq('tfa');
    const { context, page } = await newPage(browser, server.url);
    await registerUi(page, name);
    await openSettings(page);
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{32,}$/);
    // The QR code is drawn in the page, from no external address.
    assert.equal(await page.locator('img[src^="http"]').count(), 0);
    const step = await steadyStep();
    await page.getByLabel('Code from the app').fill(totp(secret, step));
    await page.getByRole('button', { name: 'Confirm' }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await waitFor(async () => (await codes.count()) === 10, 'ten recovery codes');
    const recovery = await codes.allInnerTexts();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Two-factor authentication is on.').waitFor();
    assert.equal(await page.getByTestId('recovery-codes').count(), 0); // shown only once

    // Log out; the login form asks for a code after the right password.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.goto('/');
    await page.getByLabel('Username').fill(name);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.getByText('Enter the code from your authenticator app (or a recovery code).').waitFor();
    await page.getByLabel('Two-factor code').fill('000000');
    await page.locator('form button[type=submit]').click();
    await page.getByText('That code is wrong or was already used.').waitFor();
    // The confirming code was spent: the next step's code logs in.
    await page.getByLabel('Two-factor code').fill(totp(secret, step + 1));
    await page.locator('form button[type=submit]').click();
    await page.getByRole('navigation', { name: 'Rooms' }).waitFor();

    // A recovery code works too, once.
    const other = await newPage(browser, server.url);
    await other.page.goto('/');
    await other.page.getByLabel('Username').fill(name);
    await other.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await other.page.locator('form button[type=submit]').click();
    await other.page.getByLabel('Two-factor code').fill(recovery[0]);
    await other.page.locator('form button[type=submit]').click();
    await other.page.getByRole('navigation', { name: 'Rooms' }).waitFor();
    await context.close();
    await other.context.close();
  });

  test('the admin pages through the users and deactivates one', async () => {
    const names = [];
    for (let i = 0; i < 22; i++) {
      const n = uniq(`u${i}-`);
      names.push(n);
      await registerApi(server.url, n);
    }
    const victim = names[names.length - 1];
    const { context, page } = await newPage(browser, server.url);
    await loginUi(page, admin.user.username, { path: '/admin' });
    await page.getByRole('link', { name: 'Users' }).click();
    const table = page.locator('table.user-table');
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), 20);
    const first = table.locator('tbody tr').first();
    assert.match(await first.innerText(), /admin/); // the first account, with its role
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    const row = table.locator(`tr[data-username="${victim}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: `Deactivate ${victim}` }).click();
    await row.getByText('deactivated').waitFor();
    const refused = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: victim, password: PASSWORD }),
    });
    assert.equal(refused.status, 401);
    await row.getByRole('button', { name: `Reactivate ${victim}` }).click();
    await row.getByText('active', { exact: true }).waitFor();
    await api(server.url, 'POST', '/api/auth/login', { username: victim, password: PASSWORD });
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
    await context.close();
  });
});
