// End-to-end: unread and mention badges come from the server's read state, so two browsers of
// one user agree; reading (the newest message in view, the page focused) moves the position; and
// "seen by" under the last message of a DM and of a small room, from receipts.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, launchBrowser, loginUi, messageRow, newPage, registerApi, reportOnFailure, sendUi, startServer, steerSockets, uniq, waitFor, waitForMessage } from './helpers.mjs';

/** A page whose focus the test sets (`setFocused`): document.hasFocus() follows it. */
async function focusablePage(browser, url) {
  const p = await newPage(browser, url);
  await p.context.addInitScript(() => {
    window.__focused = true;
    Document.prototype.hasFocus = () => window.__focused;
  });
  p.setFocused = (v) => p.page.evaluate((f) => ((window.__focused = f), window.dispatchEvent(new Event(f ? 'focus' : 'blur'))), v);
  return p;
}

const badges = (page, roomId) => ({
  unread: page.locator(`a.room-item[data-room-id="${roomId}"] .unread-badge`),
  mention: page.locator(`a.room-item[data-room-id="${roomId}"] .mention-badge`),
});

async function badgeTexts(page, roomId) {
  const b = badges(page, roomId);
  // allTextContents does not wait for an element that is just going away.
  return [(await b.unread.allTextContents()).join(''), (await b.mention.allTextContents()).join('')];
}

describe('read state in the browser', () => {
  let server;
  let browser;
  let ann;
  let bob;
  let roomId;
  let elsewhereId;
  const say = (who, body, room = roomId) => api(server.url, 'POST', `/api/rooms/${room}/messages`, { body }, who.access_token);

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ann = await registerApi(server.url, uniq('ann'));
    bob = await registerApi(server.url, uniq('bob'));
    roomId = (await api(server.url, 'POST', '/api/rooms', { name: uniq('reads-'), private: false }, bob.access_token)).id;
    elsewhereId = (await api(server.url, 'POST', '/api/rooms', { name: uniq('elsewhere-'), private: false }, ann.access_token)).id;
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, ann.access_token);
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('two browsers of one user show the same badges, and agree again after one of them reads', async () => {
    const laptop = await newPage(browser, server.url);
    const phone = await newPage(browser, server.url);
    for (const p of [laptop, phone]) await loginUi(p.page, ann.user.username, { path: `/rooms/${elsewhereId}` });
    await say(bob, 'first');
    await say(bob, `second, @${ann.user.username}?`);
    await say(bob, 'third');
    for (const p of [laptop, phone]) await waitFor(async () => String(await badgeTexts(p.page, roomId)) === '3,@1', 'badges 3 and @1');

    // The laptop reads the room; the phone's badges clear without it doing anything.
    await laptop.page.locator(`a.room-item[data-room-id="${roomId}"]`).click();
    await waitForMessage(laptop.page, 'third');
    for (const p of [laptop, phone]) await waitFor(async () => String(await badgeTexts(p.page, roomId)) === ',', 'no badges');
    // The position is the server's: a reload, and the REST room list, say the same.
    await phone.page.reload();
    await phone.page.locator(`a.room-item[data-room-id="${roomId}"]`).waitFor();
    assert.deepEqual(await badgeTexts(phone.page, roomId), ['', '']);
    const listed = (await api(server.url, 'GET', '/api/rooms', undefined, ann.access_token)).rooms.find((r) => r.id === roomId);
    assert.deepEqual([listed.unread, listed.mentions], [0, 0]);
    assert.deepEqual(await phone.page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('lastRead'))), []);

    // And the other way round: the phone reads what came next, the laptop follows.
    await laptop.page.goto(`/rooms/${elsewhereId}`);
    await say(bob, 'fourth');
    for (const p of [laptop, phone]) await waitFor(async () => String(await badgeTexts(p.page, roomId)) === '1,', 'badge 1');
    await phone.page.locator(`a.room-item[data-room-id="${roomId}"]`).click();
    for (const p of [laptop, phone]) await waitFor(async () => String(await badgeTexts(p.page, roomId)) === ',', 'no badges again');
    await laptop.context.close();
    await phone.context.close();
  });

  test('badges agree again after a device was offline while the other read, and after it read offline', async () => {
    const laptop = await newPage(browser, server.url);
    const phone = await newPage(browser, server.url);
    const phoneSocket = await steerSockets(phone.context);
    for (const p of [laptop, phone]) await loginUi(p.page, ann.user.username, { path: `/rooms/${elsewhereId}` });
    await say(bob, 'while both watch');
    await say(bob, `and @${ann.user.username}, look`);
    for (const p of [laptop, phone]) await waitFor(async () => String(await badgeTexts(p.page, roomId)) === '2,@1', 'badges 2 and @1');

    // The phone loses its connection; the laptop reads meanwhile. Back online, the phone's badges
    // come from the server's read state (the rejoin), not from what it held.
    await phoneSocket.cut();
    await phone.page.getByTestId('reconnecting').waitFor();
    await laptop.page.locator(`a.room-item[data-room-id="${roomId}"]`).click();
    await waitForMessage(laptop.page, 'look');
    await waitFor(async () => String(await badgeTexts(laptop.page, roomId)) === ',', 'the laptop read');
    assert.deepEqual(await badgeTexts(phone.page, roomId), ['2', '@1']);
    phoneSocket.restore();
    await phone.page.getByRole('button', { name: 'Retry now' }).click().catch(() => undefined); // skip the backoff wait
    await waitFor(async () => String(await badgeTexts(phone.page, roomId)) === ',', 'the phone to follow after the reconnect', 30_000);

    // The other way round: the phone reads while its socket is down (the read goes by REST, or
    // again once it is back); the laptop follows, and the server counts nothing unread.
    await laptop.page.goto(`/rooms/${elsewhereId}`);
    await say(bob, 'one more');
    for (const p of [laptop, phone]) await waitFor(async () => String(await badgeTexts(p.page, roomId)) === '1,', 'badge 1');
    await phoneSocket.cut();
    await phone.page.getByTestId('reconnecting').waitFor();
    await phone.page.locator(`a.room-item[data-room-id="${roomId}"]`).click();
    await waitForMessage(phone.page, 'one more');
    await waitFor(async () => String(await badgeTexts(phone.page, roomId)) === ',', 'the phone read offline');
    phoneSocket.restore();
    await phone.page.getByRole('button', { name: 'Retry now' }).click().catch(() => undefined);
    await waitFor(async () => String(await badgeTexts(laptop.page, roomId)) === ',', 'the laptop to follow', 30_000);
    const listed = (await api(server.url, 'GET', '/api/rooms', undefined, ann.access_token)).rooms.find((r) => r.id === roomId);
    assert.deepEqual([listed.unread, listed.mentions], [0, 0]);
    await laptop.context.close();
    await phone.context.close();
  });

  test('a room is read only with its newest message in view and the page focused', async () => {
    const p = await focusablePage(browser, server.url);
    for (let i = 1; i <= 60; i++) await say(bob, `backlog ${i}`);
    await loginUi(p.page, ann.user.username, { path: `/rooms/${roomId}` });
    await waitForMessage(p.page, 'backlog 60');
    await waitFor(async () => String(await badgeTexts(p.page, roomId)) === ',', 'read on opening');

    // Scrolled up, a new message stays unread until the user is back at the bottom.
    const list = p.page.getByTestId('messages');
    await list.evaluate((el) => (el.scrollTop = 0));
    await say(bob, 'while scrolled up');
    await waitFor(async () => String(await badgeTexts(p.page, roomId)) === '1,', 'unread while scrolled up');
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(async () => String(await badgeTexts(p.page, roomId)) === ',', 'read at the bottom');

    // Another window has the focus: nothing is read until this one gets it back.
    await p.setFocused(false);
    await say(bob, 'while away');
    await waitForMessage(p.page, 'while away');
    await waitFor(async () => String(await badgeTexts(p.page, roomId)) === '1,', 'unread without focus');
    const unreadOnServer = async () => (await api(server.url, 'GET', '/api/rooms', undefined, ann.access_token)).rooms.find((r) => r.id === roomId).unread;
    // (Reads are sent at most once a second: the one for "while scrolled up" may still be on its way.)
    await waitFor(async () => (await unreadOnServer()) === 1, 'the server to count the one message');
    await p.page.waitForTimeout(1500);
    assert.equal(await unreadOnServer(), 1);
    await p.setFocused(true);
    await waitFor(async () => String(await badgeTexts(p.page, roomId)) === ',', 'read on focus');
    await waitFor(async () => (await unreadOnServer()) === 0, 'the server to know');
    await p.context.close();
  });

  test('"seen by" under the last message of a DM and of a small room, live as others read', async () => {
    const cy = await registerApi(server.url, uniq('cy'));
    const annPage = await newPage(browser, server.url);
    const bobPage = await newPage(browser, server.url);
    await loginUi(annPage.page, ann.user.username);
    await loginUi(bobPage.page, bob.user.username);

    // A DM: "Seen" once Bob opened it.
    const dm = await api(server.url, 'POST', '/api/dms', { username: bob.user.username }, ann.access_token);
    await annPage.page.goto(`/rooms/${dm.id}`);
    await sendUi(annPage.page, 'are you there?');
    const seen = annPage.page.getByTestId('seen-by');
    await messageRow(annPage.page, 'are you there?').waitFor();
    assert.equal(await seen.count(), 0);
    await bobPage.page.goto(`/rooms/${dm.id}`);
    await waitForMessage(bobPage.page, 'are you there?');
    await seen.filter({ hasText: /^Seen$/ }).waitFor();

    // A room of three: names, as each reads.
    const team = await api(server.url, 'POST', '/api/rooms', { name: uniq('trio-'), private: false }, ann.access_token);
    for (const who of [bob, cy]) await api(server.url, 'POST', `/api/rooms/${team.id}/join`, {}, who.access_token);
    await annPage.page.goto(`/rooms/${team.id}`);
    await sendUi(annPage.page, 'standup in 5');
    await bobPage.page.goto(`/rooms/${team.id}`);
    await waitForMessage(bobPage.page, 'standup in 5');
    await seen.filter({ hasText: `Seen by ${bob.user.username}` }).waitFor();
    const last = await messageRow(annPage.page, 'standup in 5').getAttribute('data-id');
    await api(server.url, 'POST', `/api/rooms/${team.id}/read`, { up_to: Number(last) }, cy.access_token);
    await seen.filter({ hasText: `Seen by ${bob.user.username}, ${cy.user.username}` }).waitFor();
    // A newer message starts over: nobody has seen it yet.
    await sendUi(annPage.page, 'make that 10');
    await waitFor(async () => (await seen.getAttribute('data-for')) !== last || (await seen.count()) === 0, 'the receipts to move on');
    await annPage.context.close();
    await bobPage.context.close();
  });
});
