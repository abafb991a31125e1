// End-to-end: the message menu and what it does — edit in place (and by the Up arrow), delete
// with confirmation, reactions with the emoji picker, replies in a thread panel — and `@`
// mentions with completion, highlighting and a mention badge, on a desktop and on a phone.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  launchBrowser,
  loginUi,
  messageRow,
  newPage,
  openMenu,
  PHONE,
  registerApi,
  reportOnFailure,
  sendUi,
  shownBodies,
  startServer,
  uniq,
  waitFor,
  waitForMessage,
} from './helpers.mjs';

describe('conversations in the browser', () => {
  let server;
  let browser;
  let ann; // { context, page, user, token }
  let bob;
  let roomId;
  let elsewhereId;

  async function person(prefix, opts) {
    const reg = await registerApi(server.url, uniq(prefix));
    const p = await newPage(browser, server.url, opts);
    return { ...p, user: reg.user, token: reg.access_token };
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await registerApi(server.url, 'admin');
    ann = await person('ann');
    bob = await person('bob');
    const room = await api(server.url, 'POST', '/api/rooms', { name: uniq('conv-'), private: false }, ann.token);
    roomId = room.id;
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, bob.token);
    elsewhereId = (await api(server.url, 'POST', '/api/rooms', { name: uniq('elsewhere-'), private: false }, ann.token)).id;
    await loginUi(ann.page, ann.user.username, { path: `/rooms/${roomId}` });
    await loginUi(bob.page, bob.user.username, { path: `/rooms/${roomId}` });
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('the menu edits a message in place; everyone sees the new text marked edited', async () => {
    await sendUi(ann.page, 'helo wrld');
    await waitForMessage(bob.page, 'helo wrld');
    // Only the author is offered Edit.
    const bobsView = await openMenu(messageRow(bob.page, 'helo wrld'));
    assert.equal(await bobsView.getByRole('button', { name: 'Edit' }).count(), 0);
    const menu = await openMenu(messageRow(ann.page, 'helo wrld'));
    await menu.getByRole('button', { name: 'Edit' }).click();
    const editor = ann.page.getByRole('textbox', { name: 'Edit message' });
    assert.equal(await editor.inputValue(), 'helo wrld');
    await editor.fill('hello world');
    await editor.press('Enter');
    await waitForMessage(bob.page, 'hello world');
    await messageRow(bob.page, 'hello world').locator('.edited-marker', { hasText: 'edited' }).waitFor();
    assert.equal(await ann.page.getByRole('textbox', { name: 'Edit message' }).count(), 0);
    assert.ok(!(await shownBodies(bob.page)).includes('helo wrld'));
  });

  test('Up arrow in an empty composer edits the last own message, Escape cancels', async () => {
    await sendUi(ann.page, 'the last thing I said');
    await waitForMessage(bob.page, 'the last thing I said');
    const composer = ann.page.getByRole('textbox', { name: 'Message text' });
    await composer.press('ArrowUp');
    const editor = ann.page.getByRole('textbox', { name: 'Edit message' });
    assert.equal(await editor.inputValue(), 'the last thing I said');
    await editor.press('Escape');
    await waitFor(async () => (await editor.count()) === 0, 'the editor to close');
    assert.equal(await ann.page.evaluate(() => document.activeElement?.id), 'composer');
    await composer.press('ArrowUp');
    await editor.fill('the last thing I said, corrected');
    await editor.press('Enter');
    await waitForMessage(bob.page, 'the last thing I said, corrected');
    // Text in the composer: Up moves the caret as usual and edits nothing.
    await composer.fill('draft');
    await composer.press('ArrowUp');
    assert.equal(await editor.count(), 0);
    await composer.fill('');
  });

  test('delete asks first, then leaves a tombstone for everyone', async () => {
    await sendUi(ann.page, 'oops, wrong room');
    await waitForMessage(bob.page, 'oops, wrong room');
    let menu = await openMenu(messageRow(ann.page, 'oops, wrong room'));
    await menu.getByRole('button', { name: 'Delete message' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Delete message' });
    await dialog.getByText('oops, wrong room').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await waitFor(async () => (await dialog.count()) === 0, 'the dialog to close');
    assert.ok((await shownBodies(bob.page)).includes('oops, wrong room'));
    const id = await messageRow(ann.page, 'oops, wrong room').getAttribute('data-id');
    menu = await openMenu(messageRow(ann.page, 'oops, wrong room'));
    await menu.getByRole('button', { name: 'Delete message' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    for (const page of [ann.page, bob.page]) {
      await page.locator(`.msg[data-id="${id}"] .tombstone`, { hasText: 'This message was deleted.' }).waitFor();
      assert.ok(!(await shownBodies(page)).includes('oops, wrong room'));
    }
    // A tombstone has no menu.
    assert.equal(await bob.page.locator(`.msg[data-id="${id}"] [role=toolbar]`).count(), 0);
  });

  test('reactions: the picker, chips that toggle, who reacted on hover, recent emoji first', async () => {
    await sendUi(ann.page, 'shipping v2 today');
    await waitForMessage(bob.page, 'shipping v2 today');
    const bobRow = messageRow(bob.page, 'shipping v2 today');
    const menu = await openMenu(bobRow);
    await menu.getByRole('button', { name: 'More reactions' }).click();
    const picker = bob.page.getByRole('dialog', { name: 'Choose an emoji' });
    await picker.getByRole('region', { name: 'Smileys' }).waitFor();
    await picker.getByRole('button', { name: '🚀' }).click();
    await waitFor(async () => (await picker.count()) === 0, 'the picker to close');

    const annChip = messageRow(ann.page, 'shipping v2 today').locator('.reaction-chip[data-emoji="🚀"]');
    await annChip.filter({ hasText: '1' }).waitFor();
    assert.equal(await annChip.getAttribute('aria-pressed'), 'false');
    await annChip.click(); // Ann joins in
    for (const page of [ann.page, bob.page]) {
      await messageRow(page, 'shipping v2 today').locator('.reaction-chip[data-emoji="🚀"] .reaction-count', { hasText: '2' }).waitFor();
    }
    assert.equal(await annChip.getAttribute('aria-pressed'), 'true');
    await annChip.hover();
    const who = annChip.getByRole('tooltip');
    await waitFor(async () => (await who.evaluate((el) => getComputedStyle(el).opacity)) === '1', 'the tooltip');
    assert.equal(await who.textContent(), `🚀 from ${bob.user.username}, you`);
    await annChip.click(); // and takes it back
    await messageRow(bob.page, 'shipping v2 today').locator('.reaction-chip[data-emoji="🚀"] .reaction-count', { hasText: /^1$/ }).waitFor();

    // A quick reaction from the menu, then the picker lists what Bob used, newest first.
    await (await openMenu(bobRow)).getByRole('button', { name: 'Add reaction 👍' }).click();
    await messageRow(ann.page, 'shipping v2 today').locator('.reaction-chip[data-emoji="👍"]').waitFor();
    await bobRow.getByRole('button', { name: 'Add reaction', exact: true }).click();
    const recent = picker.getByRole('region', { name: 'Recent' });
    assert.deepEqual(await recent.getByRole('button').allTextContents(), ['👍', '🚀']);
    await bob.page.keyboard.press('Escape');
    await waitFor(async () => (await picker.count()) === 0, 'Escape to close the picker');
  });

  test('a reply opens a thread beside the room; the parent shows how many replies it has', async () => {
    await sendUi(ann.page, 'who can review #42?');
    await waitForMessage(bob.page, 'who can review #42?');
    await (await openMenu(messageRow(bob.page, 'who can review #42?'))).getByRole('button', { name: 'Reply in thread' }).click();
    const panel = bob.page.getByRole('complementary', { name: 'Thread' });
    await panel.getByText('No replies yet.').waitFor();
    await panel.getByRole('textbox', { name: 'Reply text' }).fill('I can, after lunch');
    await panel.getByRole('textbox', { name: 'Reply text' }).press('Enter');
    await panel.locator('.msg-body', { hasText: 'I can, after lunch' }).waitFor();
    await panel.getByText('1 reply').waitFor();

    // Ann sees the count under her message, not the reply in the room, and opens the thread.
    const link = messageRow(ann.page, 'who can review #42?').getByRole('button', { name: /1 reply/ });
    await link.waitFor();
    assert.ok(!(await shownBodies(ann.page)).includes('I can, after lunch'));
    await link.click();
    const annPanel = ann.page.getByRole('complementary', { name: 'Thread' });
    await annPanel.locator('.msg-body', { hasText: 'I can, after lunch' }).waitFor();
    await annPanel.getByRole('textbox', { name: 'Reply text' }).fill('thanks!');
    await annPanel.getByRole('textbox', { name: 'Reply text' }).press('Enter');
    await panel.locator('.msg-body', { hasText: 'thanks!' }).waitFor();
    await messageRow(bob.page, 'who can review #42?').getByRole('button', { name: /2 replies/ }).waitFor();
    // Beside the room on a desktop: the room's messages stay in view.
    const roomBox = await ann.page.getByTestId('messages').boundingBox();
    const panelBox = await annPanel.boundingBox();
    assert.ok(panelBox.x >= roomBox.x + roomBox.width - 1, 'the thread sits to the right of the room');
    await annPanel.getByRole('button', { name: 'Close thread' }).click();
    await waitFor(async () => (await annPanel.count()) === 0, 'the thread to close');
    await bob.page.getByRole('button', { name: 'Close thread' }).click();
  });

  test('@ completes members, the mention is highlighted, and the mentioned user gets a mention badge', async () => {
    await ann.page.goto(`/rooms/${elsewhereId}`);
    await ann.page.getByRole('heading', { level: 1 }).waitFor();
    const composer = bob.page.getByRole('textbox', { name: 'Message text' });
    await composer.fill('');
    await composer.pressSequentially(`please look, @${ann.user.username.slice(0, 3)}`);
    const list = bob.page.getByRole('listbox', { name: 'People in this room' });
    await list.getByRole('option', { name: `@${ann.user.username}` }).waitFor();
    await composer.press('Enter'); // picks the suggestion, does not send
    assert.equal(await composer.inputValue(), `please look, @${ann.user.username} `);
    await composer.pressSequentially('thanks');
    await composer.press('Enter');
    const sent = messageRow(bob.page, 'please look');
    await sent.locator('.mention', { hasText: `@${ann.user.username}` }).waitFor();

    const item = ann.page.locator(`a.room-item[data-room-id="${roomId}"]`);
    await item.locator('.mention-badge', { hasText: '@1' }).waitFor();
    assert.equal(await item.locator('.mention-badge').getAttribute('aria-label'), '1 mention');
    await ann.page.locator('.notice', { hasText: `${bob.user.username} mentioned you in` }).waitFor();
    await item.click();
    const row = messageRow(ann.page, 'please look');
    await row.locator('.mention.mention-me').waitFor();
    assert.match(await row.getAttribute('class'), /mentions-me/);
    await waitFor(async () => (await item.locator('.badge').count()) === 0, 'the badges to clear once read');
  });

  test('no page errors were raised', () => {
    assert.deepEqual([...ann.page.pageErrors, ...bob.page.pageErrors].map(String), []);
  });
});

describe('conversations on a phone', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('a long press opens the message menu; the thread is a drawer over the room', async () => {
    const ann = await registerApi(server.url, uniq('ann'));
    const room = await api(server.url, 'POST', '/api/rooms', { name: uniq('phone-'), private: false }, ann.access_token);
    await api(server.url, 'POST', `/api/rooms/${room.id}/messages`, { body: 'hold me' }, ann.access_token);
    const { page } = await newPage(browser, server.url, { viewport: PHONE });
    await loginUi(page, ann.user.username, { path: `/rooms/${room.id}` });
    await waitForMessage(page, 'hold me');
    const row = messageRow(page, 'hold me');
    const menu = await openMenu(row, { touch: true });
    assert.match(await row.getAttribute('class'), /menu-open/);
    await menu.getByRole('button', { name: 'Reply in thread' }).click();
    const panel = page.getByRole('complementary', { name: 'Thread' });
    await panel.waitFor();
    await panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished))); // its slide-in
    const box = await panel.boundingBox();
    assert.ok(box.x <= 1 && box.width >= PHONE.width - 1, `the drawer covers the room: ${JSON.stringify(box)}`);
    await panel.getByRole('textbox', { name: 'Reply text' }).fill('from my phone');
    await panel.getByRole('textbox', { name: 'Reply text' }).press('Enter');
    await panel.locator('.msg-body', { hasText: 'from my phone' }).waitFor();
    await panel.getByRole('button', { name: 'Close thread' }).click();
    await row.getByRole('button', { name: /1 reply/ }).waitFor();
    // A touch elsewhere closes a long-pressed menu.
    await openMenu(row, { touch: true });
    await page.getByRole('heading', { level: 1 }).dispatchEvent('pointerdown', { pointerType: 'touch', bubbles: true });
    await waitFor(async () => !/menu-open/.test(await row.getAttribute('class')), 'the menu to close');
    assert.deepEqual(page.pageErrors.map(String), []);
  });

  test('the menu speaks Spanish', async () => {
    const ana = await registerApi(server.url, uniq('ana'));
    const room = await api(server.url, 'POST', '/api/rooms', { name: uniq('sala-'), private: false }, ana.access_token);
    await api(server.url, 'POST', `/api/rooms/${room.id}/messages`, { body: 'hola' }, ana.access_token);
    const { page } = await newPage(browser, server.url, { locale: 'es-ES' });
    await loginUi(page, ana.user.username, { path: `/rooms/${room.id}` });
    await waitForMessage(page, 'hola');
    const menu = await openMenu(messageRow(page, 'hola'));
    for (const name of ['Más reacciones', 'Responder en hilo', 'Editar', 'Eliminar mensaje']) await menu.getByRole('button', { name }).waitFor();
  });
});
