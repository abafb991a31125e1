// Screenshots of the main screens at desktop (1280x800) and phone (360x740) sizes, light and dark,
// saved under web/test-results/screenshots/ (listed in web/README.md).

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  DESKTOP,
  PHONE,
  launchBrowser,
  loginUi,
  newPage,
  registerApi,
  reportOnFailure,
  screenshot,
  startServer,
  waitFor,
  waitForMessage,
} from './helpers.mjs';

describe('screenshots', () => {
  let server;
  let browser;
  let roomId;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const admin = await registerApi(server.url, 'admin');
    const ann = await registerApi(server.url, 'ann');
    const bob = await registerApi(server.url, 'bob');
    const say = (who, body) => api(server.url, 'POST', `/api/rooms/${roomId}/messages`, { body }, who.access_token);
    const room = await api(server.url, 'POST', '/api/rooms', { name: 'design-review', private: false }, ann.access_token);
    roomId = room.id;
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, bob.access_token);
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, admin.access_token);
    await say(bob, 'Morning! Did everyone see the new mock-ups?');
    await say(bob, 'They are at https://example.com/mockups/v3 — feedback welcome.');
    await say(ann, 'Looking now. The sidebar spacing feels much better.');
    await say(ann, 'One nit: the unread badge could be a bit larger on phones.\nAlso the dark theme contrast on links.');
    await say(admin, 'Shipping the metrics dashboard today 🎉');
    await say(bob, 'Supercalifragilisticexpialidocious-'.repeat(4) + 'end');
    await say(bob, '<b>not bold</b> <script>alert(1)</script>');
    await api(server.url, 'POST', '/api/rooms', { name: 'random', private: false }, bob.access_token);
    await api(server.url, 'POST', '/api/rooms', { name: 'team-secret', private: true, access_code: 'x' }, ann.access_token);
    await api(server.url, 'POST', '/api/dms', { username: 'bob' }, ann.access_token);
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    for (const scheme of ['light', 'dark']) {
      test(`${size} ${scheme}`, async () => {
        const { page, context } = await newPage(browser, server.url, { viewport, colorScheme: scheme });
        await page.goto('/');
        await page.getByLabel('Username').waitFor();
        await screenshot(page, `login-${size}-${scheme}`);

        await loginUi(page, 'ann', { path: `/rooms/${roomId}` });
        await waitForMessage(page, 'not bold');
        await page.getByRole('textbox', { name: 'Message text' }).fill('Drafting a reply…');
        await screenshot(page, `chat-${size}-${scheme}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px`);

        if (size === 'phone') {
          await page.getByRole('button', { name: 'Rooms menu' }).click();
          await page.waitForTimeout(300); // the drawer's slide-in transition
          await screenshot(page, `sidebar-${size}-${scheme}`);
          await page.getByRole('button', { name: 'Close rooms menu' }).click();
        } else {
          await page.getByRole('button', { name: 'Show members' }).click();
          await page.locator('.members li').first().waitFor();
          await screenshot(page, `members-${size}-${scheme}`);
          await page.getByRole('button', { name: 'New room' }).click();
          await page.getByRole('dialog').getByLabel('Private room').check();
          await screenshot(page, `new-room-dialog-${size}-${scheme}`);
          await page.keyboard.press('Escape');
        }
        await context.close();

        const adminPage = await newPage(browser, server.url, { viewport, colorScheme: scheme });
        await loginUi(adminPage.page, 'admin', { path: '/admin' });
        await waitFor(async () => /\d/.test(await adminPage.page.getByTestId('stat-connections').textContent()), 'numbers');
        await adminPage.page.waitForTimeout(4500); // a few samples for the chart
        await screenshot(adminPage.page, `admin-${size}-${scheme}`);
        await adminPage.context.close();
      });
    }
  }
});
