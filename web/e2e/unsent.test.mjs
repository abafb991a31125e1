// End-to-end: unsent messages survive a reload. A message typed while the WebSocket cannot connect
// is still there, pending, after reloading the page, and is delivered exactly once when the
// connection comes back; a message the server stored but whose ack never arrived is resent after a
// reload with the same client_id and the server answers with the stored one (no double message).

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
  createRoomUi,
  launchBrowser,
  newPage,
  PASSWORD,
  registerUi,
  reportOnFailure,
  sendUi,
  shownBodies,
  startServer,
  uniq,
  waitFor,
  waitForMessage,
} from './helpers.mjs';

const WS_URL = /\/ws$/;

/** The keys of the unsent messages kept in the page's localStorage. */
function unsentKeys(page) {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parley.unsent.')));
}

/**
 * Routes a context's WebSockets through a proxy the test steers: `mode` "blocked" closes every new
 * connection at once (the server looks unreachable), "pass" relays; `lose(frame)` drops frames on
 * the way to the page. Records the page's `send` frames and the server's `ack` frames.
 */
async function steerSockets(context) {
  const ctl = { mode: 'pass', lose: () => false, sends: [], acks: [] };
  await context.routeWebSocket(WS_URL, (ws) => {
    if (ctl.mode === 'blocked') {
      ws.close();
      return;
    }
    const upstream = ws.connectToServer();
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.type === 'send') ctl.sends.push(frame);
      upstream.send(raw);
    });
    upstream.onMessage((raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.type === 'ack') ctl.acks.push(frame);
      if (!ctl.lose(frame)) ws.send(raw);
    });
  });
  return ctl;
}

describe('unsent messages across a reload', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup({ removeDir: true });
  });

  afterEach(reportOnFailure);

  /** Ann and Bob in a new room, chatting; returns their pages, the room and Bob's REST token. */
  async function twoPeopleInARoom() {
    const ann = await newPage(browser, server.url);
    const bob = await newPage(browser, server.url);
    const annName = uniq('ann');
    const bobName = uniq('bob');
    await registerUi(ann.page, annName);
    await registerUi(bob.page, bobName);
    const roomId = await createRoomUi(ann.page, uniq('unsent-'));
    await bob.page.goto(`/rooms/${roomId}`);
    await bob.page.getByRole('button', { name: 'Join this room' }).click();
    await sendUi(ann.page, 'hello before');
    await waitForMessage(bob.page, 'hello before');
    const bobLogin = await api(server.url, 'POST', '/api/auth/login', { username: bobName, password: PASSWORD });
    const annLogin = await api(server.url, 'POST', '/api/auth/login', { username: annName, password: PASSWORD });
    return { ann, bob, roomId, bobToken: bobLogin.access_token, annId: annLogin.user.id };
  }

  async function storedCount(roomId, token, body) {
    const page = await api(server.url, 'GET', `/api/rooms/${roomId}/messages?limit=100`, undefined, token);
    return page.messages.filter((m) => m.body === body).length;
  }

  test('a message typed offline is pending after a reload and delivered once when back online', async () => {
    const { ann, bob, roomId, bobToken, annId } = await twoPeopleInARoom();
    const text = 'typed offline, then the page was reloaded';
    // A second tab of Ann's stays open throughout: it must neither send nor show her unsent message.
    const annTab2 = await ann.context.newPage();
    await annTab2.goto(`/rooms/${roomId}`);
    await waitForMessage(annTab2, 'hello before');

    // Ann's WebSocket can no longer connect (REST and the page itself still load). Restarting the
    // server drops the current connection; Bob reconnects, Ann cannot.
    const ctl = await steerSockets(ann.context);
    ctl.mode = 'blocked';
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    await ann.page.getByTestId('reconnecting').waitFor();
    await annTab2.getByTestId('reconnecting').waitFor();

    await sendUi(ann.page, text);
    const pending = ann.page.locator('.msg-pending', { hasText: text });
    await pending.waitFor();
    const clientId = await pending.getAttribute('data-client-id');
    assert.deepEqual(await unsentKeys(ann.page), [`parley.unsent.${annId}.${clientId}`]);

    await ann.page.reload();
    // Back from the reload: shown once, still pending, with the same client_id, after the history.
    await ann.page.locator(`.msg-pending[data-client-id="${clientId}"]`, { hasText: text }).waitFor();
    await waitForMessage(ann.page, 'hello before');
    assert.equal((await shownBodies(ann.page)).filter((b) => b === text).length, 1);
    assert.equal(await storedCount(roomId, bobToken, text), 0);
    assert.equal(await annTab2.locator('[data-testid=messages] .msg', { hasText: text }).count(), 0);

    ctl.mode = 'pass';
    await ann.page.getByTestId('connection').and(ann.page.locator('[data-state=open]')).waitFor({ timeout: 40_000 });
    await waitFor(async () => (await ann.page.locator('.msg-pending').count()) === 0, 'the message to be acknowledged', 20_000);
    await waitForMessage(bob.page, text, 20_000);
    await waitForMessage(annTab2, text, 40_000);

    assert.equal((await shownBodies(ann.page)).filter((b) => b === text).length, 1);
    assert.equal(await ann.page.locator(`[data-testid=messages] .msg[data-client-id="${clientId}"]`).count(), 1);
    assert.equal((await shownBodies(bob.page)).filter((b) => b === text).length, 1);
    assert.equal((await shownBodies(annTab2)).filter((b) => b === text).length, 1);
    assert.equal(await annTab2.locator('.msg-pending').count(), 0);
    assert.equal(await storedCount(roomId, bobToken, text), 1);
    // Both tabs' sockets go through the proxy: one send in all.
    assert.deepEqual(
      ctl.sends.filter((f) => f.body === text).map((f) => f.client_id),
      [clientId],
      'sent once, after the reload, with the client_id written before it',
    );
    assert.deepEqual(await unsentKeys(ann.page), []);
    assert.deepEqual(ann.page.pageErrors, []);
    await ann.context.close();
    await bob.context.close();
  });

  test('a message stored without its ack reaching the page is resent after a reload and stored once', async () => {
    const { ann, bob, roomId, bobToken } = await twoPeopleInARoom();
    const text = 'stored, but the ack was lost';

    // Ann's connections go through a proxy that loses the ack and the echo of this message.
    const ctl = await steerSockets(ann.context);
    ctl.lose = (f) => f.type === 'ack' || (f.type === 'message' && f.body === text);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    await ann.page.getByTestId('connection').and(ann.page.locator('[data-state=open]')).waitFor({ timeout: 40_000 });

    await sendUi(ann.page, text);
    const pending = ann.page.locator('.msg-pending', { hasText: text });
    await pending.waitFor();
    const clientId = await pending.getAttribute('data-client-id');
    // The server stored it (Bob sees it) but Ann never heard back.
    await waitForMessage(bob.page, text);
    const firstAck = await waitFor(() => ctl.acks.find((a) => a.client_id === clientId), 'the lost ack');
    assert.equal(await pending.count(), 1);

    // Reload while the socket cannot connect and history cannot load, so the page cannot learn
    // that the message was stored: it shows it as pending and must resend it.
    ctl.mode = 'blocked';
    ctl.lose = () => false;
    const HISTORY = /\/api\/rooms\/\d+\/messages/;
    await ann.page.route(HISTORY, (route) => route.abort());
    await ann.page.reload();
    await ann.page.locator(`.msg-pending[data-client-id="${clientId}"]`).waitFor();
    await ann.page.unroute(HISTORY);
    ctl.mode = 'pass';

    await waitFor(() => ctl.acks.filter((a) => a.client_id === clientId).length >= 2, 'the ack of the resend', 40_000);
    await waitFor(async () => (await ann.page.locator('.msg-pending').count()) === 0, 'no pending message after the reload', 20_000);
    // The resend carried the same client_id and the server answered with the stored message.
    const resendAck = ctl.acks.filter((a) => a.client_id === clientId).pop();
    assert.equal(resendAck.id, firstAck.id);
    assert.deepEqual(
      ctl.sends.filter((f) => f.body === text).map((f) => f.client_id),
      [clientId, clientId],
    );

    assert.equal((await shownBodies(ann.page)).filter((b) => b === text).length, 1);
    assert.equal(await ann.page.locator(`[data-testid=messages] .msg[data-id="${firstAck.id}"]`).count(), 1);
    assert.equal((await shownBodies(bob.page)).filter((b) => b === text).length, 1);
    assert.equal(await storedCount(roomId, bobToken, text), 1);
    assert.deepEqual(await unsentKeys(ann.page), []);
    assert.deepEqual(ann.page.pageErrors, []);
    await ann.context.close();
    await bob.context.close();
  });
});
