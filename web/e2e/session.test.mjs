// End-to-end: tokens and limits. Short token lifetimes make refreshes happen during the test.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRoomUi,
  launchBrowser,
  newPage,
  registerUi,
  reportOnFailure,
  sendUi,
  shownBodies,
  startServer,
  uniq,
  waitFor,
  waitForMessage,
} from './helpers.mjs';

describe('sessions', () => {
  let server;
  let browser;

  before(async () => {
    // Access tokens live 6 s (refreshed about every 5 s); refresh tokens 30 s.
    server = await startServer({ args: ['--access-token-ttl-s', '6', '--refresh-token-ttl-s', '30', '--rate-limit-per-second', '1', '--rate-limit-burst', '3'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('two tabs keep one session alive through several token rotations', async () => {
    const { context, page } = await newPage(browser, server.url);
    const refreshes = [];
    context.on('request', (r) => r.url().endsWith('/api/auth/refresh') && refreshes.push(Date.now()));
    const name = uniq('tabs');
    await registerUi(page, name);
    const roomId = await createRoomUi(page, uniq('tabs-'));
    const second = await context.newPage(); // same browser profile: shares localStorage
    await second.goto(`/rooms/${roomId}`);
    await second.getByRole('textbox', { name: 'Message text' }).waitFor();
    // Both tabs refresh on their own timers; the lock keeps them from reusing a rotated token.
    await page.waitForTimeout(14_000);
    assert.ok(refreshes.length >= 4, `refreshes: ${refreshes.length}`);
    await sendUi(page, 'still here (tab 1)');
    await sendUi(second, 'still here (tab 2)');
    await waitForMessage(second, 'still here (tab 1)');
    await waitForMessage(page, 'still here (tab 2)');
    // A reload after the rotations resumes the session from the stored refresh token.
    await second.reload();
    await waitForMessage(second, 'still here (tab 2)');
    assert.equal(await page.getByRole('heading', { name: 'Log in' }).count(), 0);
    await context.close();
  });

  test('logging out in one tab logs out the other', async () => {
    const { context, page } = await newPage(browser, server.url);
    await registerUi(page, uniq('out'));
    const second = await context.newPage();
    await second.goto('/');
    await second.getByRole('navigation', { name: 'Rooms' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await second.getByText('You have been logged out.').waitFor();
    await context.close();
  });

  test('an expired session returns to the login page with a clear message', async () => {
    const { context, page } = await newPage(browser, server.url);
    await registerUi(page, uniq('exp'));
    // The refresh token outlives no refresh: once revoked server-side the next refresh fails.
    await page.evaluate(() => localStorage.setItem('parley.refresh_token', 'not-a-valid-token'));
    await page.getByText('Your session has expired. Please log in again.').waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await context.close();
  });

  test('sending too fast shows a notice, and retry sends the same message once', async () => {
    const { context, page } = await newPage(browser, server.url);
    await registerUi(page, uniq('fast'));
    await createRoomUi(page, uniq('fast-'));
    for (let i = 1; i <= 8; i++) await sendUi(page, `burst ${i}`);
    await page.locator('.notice[data-code=rate_limited]').waitFor();
    await page.locator('.msg-failed').first().waitFor();
    const failed = await page.locator('.msg-failed .msg-body').allTextContents();
    assert.ok(failed.length > 0);
    // Retry each failed message, slowly enough for the limiter.
    while ((await page.locator('.msg-failed').count()) > 0) {
      await page.waitForTimeout(1100);
      await page.locator('.msg-failed').first().getByRole('button', { name: 'Retry' }).click();
      await waitFor(async () => (await page.locator('.msg-pending').count()) === 0, 'the retry to settle');
    }
    const bodies = await shownBodies(page);
    assert.deepEqual(bodies, Array.from({ length: 8 }, (_, i) => `burst ${i + 1}`).filter((b) => bodies.includes(b)));
    for (let i = 1; i <= 8; i++) assert.equal(bodies.filter((b) => b === `burst ${i}`).length, 1, `burst ${i} once`);
    await page.reload();
    await waitForMessage(page, 'burst 1');
    const stored = await shownBodies(page);
    for (let i = 1; i <= 8; i++) assert.equal(stored.filter((b) => b === `burst ${i}`).length, 1, `burst ${i} stored once`);
    await context.close();
  });
});
