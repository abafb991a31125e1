// End-to-end: catch-up covers changes. While a page is away (its WebSocket cut, or the server
// restarted) others edit, delete and react; when it is back it joins with `since` = the largest id
// or rev it saw and shows every change from `joined.changed`, paging on with the changes endpoint
// when there were more than `joined` carries.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, launchBrowser, loginUi, messageRow, newPage, registerApi, reportOnFailure, startServer, steerSockets, uniq, waitForMessage } from './helpers.mjs';

/** Records the `join` frames a page sends and the `joined` frames it gets, without steering. */
function watchSockets(page) {
  const ctl = { joins: [], joined: [] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      const frame = JSON.parse(f.payload);
      if (frame.type === 'join') ctl.joins.push(frame);
    });
    ws.on('framereceived', (f) => {
      const frame = JSON.parse(f.payload);
      if (frame.type === 'joined') ctl.joined.push(frame);
    });
  });
  return ctl;
}

const edit = (server, room, id, body, token) => api(server.url, 'PATCH', `/api/rooms/${room}/messages/${id}`, { body }, token);
const remove = (server, room, id, token) => api(server.url, 'DELETE', `/api/rooms/${room}/messages/${id}`, undefined, token);
const react = (server, room, id, emoji, token) => api(server.url, 'PUT', `/api/rooms/${room}/messages/${id}/reactions/${encodeURIComponent(emoji)}`, undefined, token);

describe('catch-up of changes', () => {
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

  /** Ann watching a room where Bob wrote `bodies`; returns her page, the room and the messages. */
  async function annWatching(bodies, { steer = true } = {}) {
    const ann = await registerApi(server.url, uniq('ann'));
    const bob = await registerApi(server.url, uniq('bob'));
    const room = await api(server.url, 'POST', '/api/rooms', { name: uniq('catchup-'), private: false }, bob.access_token);
    await api(server.url, 'POST', `/api/rooms/${room.id}/join`, {}, ann.access_token);
    const msgs = [];
    for (const body of bodies) msgs.push(await api(server.url, 'POST', `/api/rooms/${room.id}/messages`, { body }, bob.access_token));
    const p = await newPage(browser, server.url);
    const ctl = steer ? await steerSockets(p.context) : watchSockets(p.page);
    await loginUi(p.page, ann.user.username, { path: `/rooms/${room.id}` });
    await waitForMessage(p.page, bodies[bodies.length - 1]);
    return { ...p, ctl, room: room.id, msgs, bob, ann };
  }

  test('a reconnect catches up an edit, a deletion and a reaction made while offline', async () => {
    const { page, context, ctl, room, msgs, bob } = await annWatching(['alpha', 'beta', 'gamma']);
    await ctl.cut();
    await page.getByTestId('reconnecting').waitFor();
    const [a, b, c] = msgs;
    await edit(server, room, a.id, 'alpha, edited while Ann was away', bob.access_token);
    await remove(server, room, b.id, bob.access_token);
    const reacted = await react(server, room, c.id, '🎉', bob.access_token);
    // Nothing reached the page while it was away.
    assert.equal(await messageRow(page, 'alpha').locator('.msg-body').textContent(), 'alpha');
    ctl.restore();
    await page.getByRole('button', { name: 'Retry now' }).click().catch(() => undefined); // skip the backoff wait
    await waitForMessage(page, 'alpha, edited while Ann was away', 30_000);
    await messageRow(page, 'alpha, edited').locator('.edited-marker').waitFor();
    await page.locator(`.msg[data-id="${b.id}"] .tombstone`).waitFor();
    await messageRow(page, 'gamma').locator('.reaction-chip[data-emoji="🎉"]', { hasText: '1' }).waitFor();
    // From the rejoin: since was the largest position seen, and `changed` carried all three.
    const rejoin = ctl.joins.filter((j) => j.room === room).pop();
    assert.equal(rejoin.since, c.id);
    const joined = ctl.joined.filter((j) => j.room.id === room).pop();
    assert.deepEqual(joined.changed.map((m) => m.id), [a.id, b.id, c.id]);
    assert.equal(joined.changed[2].rev, reacted.rev);
    await context.close();
  });

  test('after a server restart the page shows every edit, deletion and reaction it missed', async () => {
    // No relay here: the page's own WebSocket must notice the server going away.
    const { page, context, ctl, room, msgs, bob } = await annWatching(['one', 'two', 'three'], { steer: false });
    await server.stop();
    await page.getByTestId('reconnecting').waitFor();
    await context.setOffline(true);
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    const bobAgain = await api(server.url, 'POST', '/api/auth/login', { username: bob.user.username, password: 'correct horse battery' });
    await edit(server, room, msgs[0].id, 'one, edited during the restart', bobAgain.access_token);
    await react(server, room, msgs[1].id, '👍', bobAgain.access_token);
    await remove(server, room, msgs[2].id, bobAgain.access_token);
    await context.setOffline(false);
    await waitForMessage(page, 'one, edited during the restart', 40_000);
    await messageRow(page, 'two').locator('.reaction-chip[data-emoji="👍"]').waitFor();
    await page.locator(`.msg[data-id="${msgs[2].id}"] .tombstone`).waitFor();
    assert.equal(await page.locator('[data-testid=messages] .msg-body', { hasText: 'three' }).count(), 0);
    assert.ok(ctl.joins.filter((j) => j.room === room).pop().since >= msgs[2].id);
    assert.deepEqual(ctl.joined.filter((j) => j.room.id === room).pop().changed.map((m) => m.id), [msgs[0].id, msgs[1].id, msgs[2].id]);
    await context.close();
  });

  test('more changes than joined carries: the page pages on with the changes endpoint', async () => {
    const bodies = Array.from({ length: 520 }, (_, i) => `bulk ${i + 1}`);
    const { page, context, ctl, room, msgs, bob } = await annWatching(bodies);
    const changesRequests = [];
    page.on('request', (r) => /\/changes\?since=/.test(r.url()) && changesRequests.push(r.url()));
    await ctl.cut();
    await page.getByTestId('reconnecting').waitFor();
    // A reaction on each message, oldest first: the newest messages (the ones shown) change last.
    for (const m of msgs) await react(server, room, m.id, '✅', bob.access_token);
    ctl.restore();
    await page.getByRole('button', { name: 'Retry now' }).click().catch(() => undefined);
    await messageRow(page, 'bulk 520').locator('.reaction-chip[data-emoji="✅"]').waitFor({ timeout: 30_000 });
    const joined = ctl.joined.filter((j) => j.room.id === room).pop();
    assert.equal(joined.changed.length, 500);
    assert.equal(joined.changed_truncated, true);
    assert.ok(changesRequests.length >= 1, 'the changes endpoint was asked');
    assert.match(changesRequests[0], new RegExp(`since=${joined.changed[499].rev}`));
    const shown = await page.locator('[data-testid=messages] .msg').count();
    const withReaction = await page.locator('[data-testid=messages] .msg .reaction-chip[data-emoji="✅"]').count();
    assert.equal(withReaction, shown, 'every message shown carries its reaction');
    await context.close();
  });
});
