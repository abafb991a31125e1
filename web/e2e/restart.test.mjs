// End-to-end: the server restarts mid-conversation; the page shows that it is reconnecting, comes
// back by itself, fills the gap with what was sent meanwhile (once each, in order) and delivers
// what was typed while offline.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api,
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

describe('server restart', () => {
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

  test('the page reconnects and shows what was sent meanwhile', async () => {
    const ann = await newPage(browser, server.url);
    // Watch Ann's WebSocket traffic: the URL, the join frames sent, and the joined replies.
    const sockets = [];
    const sentJoins = [];
    const missedBodies = [];
    const liveBodies = [];
    ann.page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framesent', (f) => {
        const frame = JSON.parse(f.payload);
        if (frame.type === 'join') sentJoins.push(frame);
      });
      ws.on('framereceived', (f) => {
        const frame = JSON.parse(f.payload);
        if (frame.type === 'joined') missedBodies.push(...frame.missed.map((m) => m.body));
        if (frame.type === 'message') liveBodies.push(frame.body);
      });
    });
    const bob = await newPage(browser, server.url);
    const annName = uniq('ann');
    const bobName = uniq('bob');
    await registerUi(ann.page, annName);
    await registerUi(bob.page, bobName);
    const roomName = uniq('restart-');
    const roomId = await createRoomUi(ann.page, roomName);
    await bob.page.goto(`/rooms/${roomId}`);
    await bob.page.getByRole('button', { name: 'Join this room' }).click();
    await sendUi(ann.page, 'before the restart');
    await waitForMessage(bob.page, 'before the restart');

    // Bob's REST token, to write while Ann's page is away.
    const bobLogin = await api(server.url, 'POST', '/api/auth/login', { username: bobName, password: 'correct horse battery' });

    await server.stop();
    await ann.page.getByTestId('reconnecting').waitFor();
    assert.equal(await ann.page.getByTestId('connection').getAttribute('data-state'), 'reconnecting');

    // Ann writes while the server is down: the message waits, visibly pending.
    await sendUi(ann.page, 'typed while offline');
    await ann.page.locator('.msg-pending', { hasText: 'typed while offline' }).waitFor();

    // Keep Ann's page away while the server comes back and others talk.
    await ann.context.setOffline(true);
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    for (let i = 1; i <= 3; i++) {
      await api(server.url, 'POST', `/api/rooms/${roomId}/messages`, { body: `meanwhile ${i}` }, bobLogin.access_token);
    }
    await ann.context.setOffline(false);

    await waitForMessage(ann.page, 'meanwhile 3', 40_000);
    await ann.page.getByTestId('connection').and(ann.page.locator('[data-state=open]')).waitFor();
    await waitFor(async () => (await ann.page.locator('.msg-pending').count()) === 0, 'the offline message to be acknowledged', 20_000);
    const bodies = await shownBodies(ann.page);
    assert.deepEqual(bodies.filter((b) => b.startsWith('meanwhile')), ['meanwhile 1', 'meanwhile 2', 'meanwhile 3']);
    assert.equal(bodies.filter((b) => b === 'typed while offline').length, 1);
    assert.equal(bodies.filter((b) => b === 'before the restart').length, 1);
    const ids = await ann.page.locator('[data-testid=messages] .msg').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));

    // The gap was filled by rejoining with since = the last id seen, not by live delivery.
    assert.ok(sockets.length >= 2, 'a second WebSocket was opened');
    assert.ok(sockets.every((u) => !/token/i.test(u)), `no token in the WebSocket URL: ${sockets}`);
    const rejoin = sentJoins.filter((j) => j.room === roomId).pop();
    assert.ok(rejoin.since > 0, `rejoined with since: ${JSON.stringify(rejoin)}`);
    assert.deepEqual(missedBodies.filter((b) => b.startsWith('meanwhile')), ['meanwhile 1', 'meanwhile 2', 'meanwhile 3']);
    assert.deepEqual(liveBodies.filter((b) => b.startsWith('meanwhile')), []);

    // Bob (reconnected too) gets Ann's offline message exactly once.
    await waitForMessage(bob.page, 'typed while offline', 40_000);
    const bobBodies = await shownBodies(bob.page);
    assert.equal(bobBodies.filter((b) => b === 'typed while offline').length, 1);
    // And the server stored it once.
    const page = await api(server.url, 'GET', `/api/rooms/${roomId}/messages?limit=100`, undefined, bobLogin.access_token);
    assert.equal(page.messages.filter((m) => m.body === 'typed while offline').length, 1);
    await ann.context.close();
    await bob.context.close();
  });
});
