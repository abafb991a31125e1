// End-to-end: two people in two browser contexts use the real server through the built app.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  createRoomUi,
  launchBrowser,
  loginUi,
  newPage,
  registerApi,
  registerUi,
  reportOnFailure,
  sendUi,
  shownBodies,
  startServer,
  uniq,
  waitFor,
  waitForMessage,
} from './helpers.mjs';

describe('chat in the browser', () => {
  let server;
  let browser;
  let ann; // { context, page }
  let bob;
  const annName = uniq('ann');
  const bobName = uniq('bob');
  const roomName = uniq('lobby-');
  let roomId;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // The first account of a fresh server is its admin; the dashboard test logs in as this one.
    await registerApi(server.url, 'admin');
    ann = await newPage(browser, server.url);
    bob = await newPage(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('two people register, create and join a room, and chat live both ways', async () => {
    await registerUi(ann.page, annName);
    await registerUi(bob.page, bobName);
    roomId = await createRoomUi(ann.page, roomName);

    // Bob discovers the public room (the sidebar refreshes the list) and joins it.
    await bob.page.reload();
    await bob.page.getByRole('link', { name: new RegExp(roomName) }).click();
    await bob.page.getByRole('button', { name: 'Join this room' }).click();
    await bob.page.getByRole('textbox', { name: 'Message text' }).waitFor();

    await sendUi(ann.page, 'hello from ann');
    await waitForMessage(bob.page, 'hello from ann');
    await sendUi(bob.page, 'hi ann, bob here');
    await waitForMessage(ann.page, 'hi ann, bob here');

    // Confirmed messages carry their server id; nothing is left pending.
    await waitFor(async () => (await ann.page.locator('.msg-pending').count()) === 0, 'acks');
    const ids = await ann.page.locator('[data-testid=messages] .msg').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    assert.equal(ids.length, 2);
    assert.ok(ids[0] < ids[1]);

    // Shift+Enter makes a new line instead of sending.
    const box = ann.page.getByRole('textbox', { name: 'Message text' });
    await box.type('line one');
    await box.press('Shift+Enter');
    await box.type('line two');
    assert.equal(await box.inputValue(), 'line one\nline two');
    await box.press('Enter');
    await waitFor(async () => (await shownBodies(bob.page)).includes('line one\nline two'), 'multi-line message');
  });

  test('presence and typing indicators appear', async () => {
    await ann.page.getByTestId('presence').filter({ hasText: bobName }).waitFor();
    await bob.page.getByTestId('presence').filter({ hasText: annName }).waitFor();
    await ann.page.getByRole('textbox', { name: 'Message text' }).type('I am typ');
    await bob.page.getByTestId('typing').filter({ hasText: `${annName} is typing` }).waitFor();
    await ann.page.getByRole('textbox', { name: 'Message text' }).fill('');
  });

  test('a reload keeps the history', async () => {
    await bob.page.reload();
    await waitForMessage(bob.page, 'hello from ann');
    const bodies = await shownBodies(bob.page);
    assert.deepEqual(bodies.slice(0, 2), ['hello from ann', 'hi ann, bob here']);
  });

  test('an injected <script> body renders as text and links are safe', async () => {
    const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    await sendUi(ann.page, evil);
    await sendUi(ann.page, 'docs at https://example.com/a?b=1 and javascript:alert(1)');
    await waitForMessage(bob.page, 'docs at');
    assert.ok((await shownBodies(bob.page)).includes(evil));
    assert.equal(await bob.page.evaluate(() => window.__pwned), undefined);
    assert.equal(await bob.page.locator('[data-testid=messages] img, [data-testid=messages] script').count(), 0);
    const link = bob.page.locator('[data-testid=messages] a', { hasText: 'https://example.com/a?b=1' });
    assert.equal(await link.getAttribute('href'), 'https://example.com/a?b=1');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await bob.page.locator('[data-testid=messages] a[href^="javascript"]').count(), 0);
  });

  test('a long word wraps instead of widening the page', async () => {
    await sendUi(bob.page, 'x'.repeat(600));
    await waitForMessage(ann.page, 'xxxxxxxxxx');
    const overflow = await ann.page.locator('[data-testid=messages]').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 1, `horizontal overflow ${overflow}px`);
  });

  test('scrolling up loads older pages in order without duplicates', async () => {
    const carol = await registerApi(server.url, uniq('carol'));
    const room = await api(server.url, 'POST', '/api/rooms', { name: uniq('history-'), private: false }, carol.access_token);
    for (let i = 1; i <= 130; i++) {
      await api(server.url, 'POST', `/api/rooms/${room.id}/messages`, { body: `history ${i}`, client_id: `h-${i}` }, carol.access_token);
    }
    const { page, context } = await newPage(browser, server.url);
    await loginUi(page, carol.user.username, { path: `/rooms/${room.id}` });
    await waitForMessage(page, 'history 130');
    // Only the newest page is there at first.
    assert.ok((await page.locator('[data-testid=messages] .msg').count()) < 130);
    await waitFor(async () => {
      await page.locator('[data-testid=messages]').evaluate((el) => (el.scrollTop = 0));
      return (await page.getByText('This is the beginning of the room.').count()) > 0;
    }, 'the first message after scrolling back', 30_000);
    const bodies = await shownBodies(page);
    assert.equal(bodies.length, 130);
    assert.deepEqual(bodies, Array.from({ length: 130 }, (_, i) => `history ${i + 1}`));
    await context.close();
  });

  test('a private room refuses a wrong code and accepts the right one', async () => {
    const secretName = uniq('secret-');
    await ann.page.goto('/');
    const secretId = await createRoomUi(ann.page, secretName, { privateCode: 'open sesame' });
    // An invitation link to a private room opens the join dialog with the room filled in.
    await bob.page.goto(`/rooms/${secretId}`);
    const dialog = bob.page.getByRole('dialog', { name: 'Join with code' });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Room ID').inputValue(), String(secretId));
    await dialog.getByLabel('Access code').fill('wrong code');
    await dialog.getByRole('button', { name: 'Join' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Wrong access code.' }).waitFor();
    await dialog.getByLabel('Access code').fill('open sesame');
    await dialog.getByRole('button', { name: 'Join' }).click();
    await bob.page.getByRole('heading', { level: 1, name: secretName }).waitFor();
    await sendUi(bob.page, 'I know the code');
    await waitForMessage(ann.page, 'I know the code');
  });

  test('a direct message reaches the other person', async () => {
    await bob.page.getByRole('button', { name: 'Message a user' }).click();
    await bob.page.getByRole('dialog').getByLabel('Username').fill(annName);
    await bob.page.getByRole('dialog').getByRole('button', { name: 'Start' }).click();
    await bob.page.getByRole('heading', { level: 1, name: `@${annName}` }).waitFor();
    await sendUi(bob.page, 'psst, a private word');
    // Ann's sidebar picks up the new DM (rooms are re-listed periodically) with an unread badge.
    const dmLink = ann.page.getByRole('link', { name: new RegExp(`@${bobName}`) });
    await dmLink.waitFor({ timeout: 20_000 });
    await dmLink.click();
    await waitForMessage(ann.page, 'psst, a private word');
    await sendUi(ann.page, 'got it');
    await waitForMessage(bob.page, 'got it');
  });

  test('unread counts show in the sidebar and clear when the room is opened', async () => {
    await ann.page.getByRole('link', { name: new RegExp(roomName) }).click();
    await bob.page.getByRole('link', { name: new RegExp(`@${annName}`) }).click();
    await bob.page.getByRole('link', { name: new RegExp(roomName) }).click();
    await bob.page.getByRole('link', { name: new RegExp(`@${annName}`) }).click();
    await sendUi(ann.page, 'unread one');
    await sendUi(ann.page, 'unread two');
    const badge = bob.page.locator(`a.room-item[data-room-id="${roomId}"] .unread-badge`);
    await waitFor(async () => (await badge.textContent()) === '2', 'an unread badge of 2');
    const lastLine = bob.page.locator(`a.room-item[data-room-id="${roomId}"] .room-last`);
    assert.match(await lastLine.textContent(), /unread two/);
    await bob.page.locator(`a.room-item[data-room-id="${roomId}"]`).click();
    await waitFor(async () => (await badge.count()) === 0, 'the badge to clear');
  });

  test('the owner adds a member to a private room, members leave, and deleting tells everyone', async () => {
    const clubName = uniq('club-');
    await ann.page.goto('/');
    const clubId = await createRoomUi(ann.page, clubName, { privateCode: '' });
    await ann.page.getByRole('button', { name: 'Add member' }).click();
    await ann.page.getByRole('dialog').getByLabel('Username').fill('no-such-user-here');
    await ann.page.getByRole('dialog').getByRole('button', { name: 'Add' }).click();
    await ann.page.getByRole('dialog').getByRole('alert').filter({ hasText: 'No user with that name.' }).waitFor();
    await ann.page.getByRole('dialog').getByLabel('Username').fill(bobName);
    await ann.page.getByRole('dialog').getByRole('button', { name: 'Add' }).click();
    await ann.page.locator('.notice', { hasText: `${bobName} was added.` }).waitFor();
    // Bob finds the private room in his sidebar and can talk there.
    const clubLink = bob.page.locator(`a.room-item[data-room-id="${clubId}"]`);
    await clubLink.waitFor({ timeout: 20_000 });
    await clubLink.click();
    await sendUi(bob.page, 'thanks for the invite');
    await waitForMessage(ann.page, 'thanks for the invite');
    // Bob leaves; the private room disappears from his list.
    bob.page.once('dialog', (d) => d.accept());
    await bob.page.getByRole('button', { name: 'Leave room' }).click();
    await waitFor(async () => (await clubLink.count()) === 0, 'the room to leave the sidebar');
    assert.equal(new URL(bob.page.url()).pathname, '/');
    await ann.page.getByTestId('presence').filter({ hasNotText: bobName }).waitFor();
    // Ann deletes the public lobby while Bob is subscribed to it: Bob is told and it vanishes.
    await ann.page.goto(`/rooms/${roomId}`);
    ann.page.once('dialog', (d) => d.accept());
    await ann.page.getByRole('button', { name: 'Delete room' }).click();
    await bob.page.locator('.notice[data-code=room_deleted]').waitFor();
    await waitFor(async () => (await bob.page.locator(`a.room-item[data-room-id="${roomId}"]`).count()) === 0, 'the deleted room to vanish');
  });

  test('the app follows the browser language (Spanish)', async () => {
    const { page, context } = await newPage(browser, server.url, { locale: 'es-ES' });
    await page.goto('/');
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
    await context.close();
  });

  test('the operations dashboard shows live numbers to admins only', async () => {
    const { page, context } = await newPage(browser, server.url);
    await loginUi(page, 'admin', { path: '/admin' });
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await waitFor(async () => /\d/.test(await page.getByTestId('stat-connections').textContent()), 'a connections number');
    await context.close();
    await bob.page.goto('/admin');
    await bob.page.getByText('This page is for administrators.').waitFor();
  });

  test('keyboard use: every control is named, focus is visible, dialogs open and close by keys', async () => {
    const page = ann.page;
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, a[href], input, textarea')]
        .filter((el) => !(el.getAttribute('aria-label') || el.textContent.trim() || el.labels?.length || el.getAttribute('title')))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
    // Tab reaches the "New room" button with a visible focus ring; Enter opens the dialog, Escape closes it.
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent?.includes('New room') ?? false);
    }
    assert.ok(reached, 'Tab reaches the New room button');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'New room' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'room-name');
    await page.keyboard.press('Escape');
    await waitFor(async () => (await page.getByRole('dialog').count()) === 0, 'the dialog to close');
  });

  test('no page errors were raised', () => {
    assert.deepEqual([...ann.page.pageErrors, ...bob.page.pageErrors].map(String), []);
  });
});
