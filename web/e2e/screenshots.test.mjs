// Screenshots of the main screens at desktop (1280x800) and phone (360x740) sizes, light and dark,
// saved under web/test-results/screenshots/ (listed in web/README.md): the login, a room, the
// members panel, dialogs, the dashboard, and a conversation's message menu, emoji picker, thread,
// mention and "seen by"; the search box and attachments (an image thumbnail, a file card).

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  DESKTOP,
  PHONE,
  launchBrowser,
  loginUi,
  messageRow,
  newPage,
  openMenu,
  opaque,
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
  let filesRoomId;

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
    // A conversation: a thread, reactions, an edit, a mention of Ann, and Ann's last message read.
    const mockups = (await api(server.url, 'GET', `/api/rooms/${roomId}/messages?limit=10`, undefined, ann.access_token)).messages.find((m) => m.body.startsWith('Morning'));
    const reply = (who, body) => api(server.url, 'POST', `/api/rooms/${roomId}/messages`, { body, reply_to: mockups.id }, who.access_token);
    await reply(ann, 'Yes! The new empty states are lovely.');
    await reply(admin, 'Same here. Ship it.');
    const shipping = await say(admin, 'Release notes are up for review.');
    const react = (who, id, emoji) => api(server.url, 'PUT', `/api/rooms/${roomId}/messages/${id}/reactions/${encodeURIComponent(emoji)}`, undefined, who.access_token);
    await react(ann, shipping.id, '🎉');
    await react(bob, shipping.id, '🎉');
    await react(bob, shipping.id, '👀');
    await say(bob, '@ann can you double-check the contrast fix before we merge?');
    const typo = await say(ann, 'On it, looks good to me — mergng now.');
    await api(server.url, 'PATCH', `/api/rooms/${roomId}/messages/${typo.id}`, { body: 'On it, looks good to me — merging now.' }, ann.access_token);
    await react(bob, typo.id, '🙏');
    for (const who of [bob, admin]) await api(server.url, 'POST', `/api/rooms/${roomId}/read`, { up_to: typo.id }, who.access_token);
    await api(server.url, 'POST', '/api/rooms', { name: 'random', private: false }, bob.access_token);
    await api(server.url, 'POST', '/api/rooms', { name: 'team-secret', private: true, access_code: 'x' }, ann.access_token);
    await api(server.url, 'POST', '/api/dms', { username: 'bob' }, ann.access_token);

    // Attachments: a picture (drawn by the browser) and a PDF, in a room of their own.
    filesRoomId = (await api(server.url, 'POST', '/api/rooms', { name: 'launch-assets', private: false }, bob.access_token)).id;
    await api(server.url, 'POST', `/api/rooms/${filesRoomId}/join`, {}, ann.access_token);
    const painter = await browser.newPage();
    const png = Buffer.from(
      await painter.evaluate(async () => {
        const c = document.createElement('canvas');
        c.width = 960;
        c.height = 600;
        const g = c.getContext('2d');
        const grad = g.createLinearGradient(0, 0, 960, 600);
        grad.addColorStop(0, '#4f46e5');
        grad.addColorStop(1, '#06b6d4');
        g.fillStyle = grad;
        g.fillRect(0, 0, 960, 600);
        g.fillStyle = 'rgba(255,255,255,0.9)';
        g.fillRect(120, 140, 720, 320);
        g.fillStyle = '#1b1e28';
        g.font = 'bold 64px sans-serif';
        g.fillText('Launch banner v3', 200, 320);
        const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
        return [...new Uint8Array(await blob.arrayBuffer())];
      }),
    );
    await painter.close();
    const upload = async (who, name, type, body) => {
      const res = await fetch(`${server.url}/api/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { Authorization: `Bearer ${who.access_token}`, 'Content-Type': type }, body });
      assert.equal(res.status, 201);
      return (await res.json()).upload;
    };
    const banner = await upload(bob, 'launch-banner.png', 'image/png', png);
    const pdf = await upload(bob, 'launch-plan-q3.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n' + 'x'.repeat(48_000)));
    const post = (who, body, attachments) => api(server.url, 'POST', `/api/rooms/${filesRoomId}/messages`, { body, attachments }, who.access_token);
    await post(bob, 'Here is the banner for the launch page.', [banner.id]);
    await post(bob, 'And the plan, for the record.', [pdf.id]);
    await api(server.url, 'POST', `/api/rooms/${filesRoomId}/messages`, { body: 'Thanks! The mock-ups and the banner match nicely.' }, ann.access_token);
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  /** The conversation screens: message menu, emoji picker, thread, mention, "seen by". */
  async function conversation(size, viewport, scheme) {
    const { page, context } = await newPage(browser, server.url, { viewport, colorScheme: scheme });
    await loginUi(page, 'ann', { path: `/rooms/${roomId}` });
    await waitForMessage(page, 'merging now');
    await page.getByTestId('seen-by').waitFor();
    await page.mouse.move(0, viewport.height - 1); // off the messages: no hover menu in the way
    await screenshot(page, `seen-by-${size}-${scheme}`);

    const row = messageRow(page, 'double-check the contrast');
    await row.locator('.mention-me').waitFor();
    const composer = page.getByRole('textbox', { name: 'Message text' });
    await composer.pressSequentially('Thanks @b');
    await page.getByRole('listbox', { name: 'People in this room' }).waitFor();
    await screenshot(page, `mention-${size}-${scheme}`);
    await composer.fill('');

    const menu = await openMenu(row, { touch: size === 'phone' });
    await screenshot(page, `message-menu-${size}-${scheme}`);
    await menu.getByRole('button', { name: 'More reactions' }).click();
    await page.getByRole('dialog', { name: 'Choose an emoji' }).waitFor();
    await screenshot(page, `emoji-picker-${size}-${scheme}`);
    await page.keyboard.press('Escape');

    await messageRow(page, 'Did everyone see').getByRole('button', { name: /2 replies/ }).click();
    await page.mouse.move(0, viewport.height - 1);
    const panel = page.getByRole('complementary', { name: 'Thread' });
    await panel.locator('.msg-body', { hasText: 'Ship it.' }).waitFor();
    await panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    await opaque(panel);
    await screenshot(page, `thread-${size}-${scheme}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px with the thread open`);
    await context.close();
  }

  /** The search box with results, and a room with an image thumbnail and a file card. */
  async function searchAndFiles(size, viewport, scheme) {
    const { page, context } = await newPage(browser, server.url, { viewport, colorScheme: scheme });
    await loginUi(page, 'ann', { path: `/rooms/${filesRoomId}` });
    const img = page.locator('.attachment-image img');
    await waitFor(async () => (await img.evaluate((el) => el.complete && el.naturalWidth).catch(() => 0)) > 0, 'the thumbnail');
    await page.locator('.attachment-file').waitFor();
    await page.mouse.move(0, viewport.height - 1);
    await screenshot(page, `attachments-${size}-${scheme}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px with attachments`);

    await page.getByRole('button', { name: 'Search messages' }).click();
    const dialog = page.getByRole('dialog', { name: 'Search messages' });
    await dialog.getByRole('searchbox').fill('mock');
    await dialog.locator('.search-group').nth(1).waitFor();
    await screenshot(page, `search-${size}-${scheme}`);
    await context.close();
  }

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

        await conversation(size, viewport, scheme);
        await searchAndFiles(size, viewport, scheme);

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
