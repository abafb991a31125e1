// End-to-end: a search result far back in a long room (300 messages) opens with its neighbours
// loaded in one request (`GET /api/rooms/{id}/messages?around=`), not by paging back; scrolling
// down pages newer with `after` until the window meets the newest messages, messages written
// meanwhile included, each shown once, in order, without a hole; "Jump to latest" leaves the window.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, launchBrowser, loginUi, newPage, registerApi, reportOnFailure, startServer, uniq, waitFor } from './helpers.mjs';

describe('opening a search result far back', () => {
  let server;
  let browser;
  let ann;
  let room;
  let ids; // every message of the room, oldest first
  const requests = [];
  const post = (body) => api(server.url, 'POST', `/api/rooms/${room}/messages`, { body }, ann.token);

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await registerApi(server.url, 'admin');
    const reg = await registerApi(server.url, uniq('ann'));
    ann = { ...(await newPage(browser, server.url)), user: reg.user, token: reg.access_token };
    room = (await api(server.url, 'POST', '/api/rooms', { name: uniq('long-'), private: false }, ann.token)).id;
    ids = [];
    for (let i = 0; i < 300; i++) ids.push((await post(i === 40 ? `message ${i} mentions the zebracorn release` : `message ${i}`)).id);
    ann.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === `/api/rooms/${room}/messages` && r.method() === 'GET') requests.push(u.search);
    });
    await loginUi(ann.page, ann.user.username, { path: `/rooms/${room}` });
    await ann.page.locator(`[data-testid=messages] .msg[data-id="${ids[299]}"]`).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  /** The ids of the rows shown, in display order. */
  const shownIds = () => ann.page.locator('[data-testid=messages] .msg[data-id]').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));

  async function inView(id) {
    const row = await ann.page.locator(`[data-testid=messages] .msg[data-id="${id}"]`).boundingBox();
    const list = await ann.page.getByTestId('messages').boundingBox();
    return !!row && !!list && row.y >= list.y - 1 && row.y + row.height <= list.y + list.height + 1;
  }

  async function openResult() {
    const page = ann.page;
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search messages' });
    await dialog.getByRole('searchbox').fill('zebracorn');
    await dialog.locator(`.search-result[data-id="${ids[40]}"]`).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`.msg[data-id="${ids[40]}"][data-focused]`).waitFor();
  }

  test('the message opens with its neighbours, then scrolls down to the newest: no gap, no duplicate', async () => {
    const page = ann.page;
    requests.length = 0;
    await openResult();
    // One `around` request, no paging back with `before` to reach it.
    assert.deepEqual(
      requests.filter((q) => q.includes('around=')),
      [`?around=${ids[40]}&limit=50`],
    );
    assert.equal(requests.filter((q) => q.includes('before=')).length, 0, `requests: ${requests}`);
    await waitFor(async () => (await inView(ids[40])) && (await inView(ids[39])) && (await inView(ids[41])), 'the message and its neighbours in view');
    let shown = await shownIds();
    // The window around it, contiguous; nothing of the newest page shows below it.
    assert.ok(shown.includes(ids[16]) && shown.includes(ids[64]), `window: ${shown[0]}..${shown.at(-1)}`);
    assert.ok(!shown.includes(ids[299]), 'the newest messages wait below the gap');
    assert.deepEqual(shown, ids.slice(ids.indexOf(shown[0]), ids.indexOf(shown[0]) + shown.length));
    await page.getByRole('button', { name: /Jump to latest/ }).waitFor();

    // Written while the window is far back: live frames held above the gap, shown once it closes.
    const live = [(await post('written while away 1')).id, (await post('written while away 2')).id];
    ids.push(...live);

    // Scroll down as a reader would until the newest message is there.
    await waitFor(
      async () => {
        await page.getByTestId('messages').evaluate((el) => el.scrollBy(0, el.clientHeight));
        return (await page.locator(`[data-testid=messages] .msg[data-id="${live[1]}"]`).count()) === 1;
      },
      'the newest message after scrolling down',
      30_000,
    );
    assert.ok(requests.some((q) => q.includes('after=')), `requests: ${requests}`);
    shown = await shownIds();
    const from = ids.indexOf(shown[0]);
    assert.ok(from >= 0 && from <= 16, `first shown ${shown[0]}`);
    assert.deepEqual(shown, ids.slice(from), 'every message once, in order, up to the newest');
    // At the bottom again, the list follows new messages.
    await page.getByTestId('messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const next = (await post('after the window met the live stream')).id;
    await page.locator(`[data-testid=messages] .msg[data-id="${next}"]`).waitFor();
    await waitFor(() => inView(next), 'the live message in view');
    assert.equal((await shownIds()).filter((id) => id === next).length, 1);
    ids.push(next);
    assert.deepEqual(page.pageErrors, []);
  });

  test('"Jump to latest" leaves the window for the newest messages', async () => {
    const page = ann.page;
    // A fresh page holds only the newest messages (after the first test the whole room was shown).
    await page.reload();
    await page.locator(`[data-testid=messages] .msg[data-id="${ids.at(-1)}"]`).waitFor();
    await openResult();
    assert.ok(!(await shownIds()).includes(ids.at(-1)));
    await page.getByRole('button', { name: /Jump to latest/ }).click();
    await page.locator(`[data-testid=messages] .msg[data-id="${ids.at(-1)}"]`).waitFor();
    await waitFor(() => inView(ids.at(-1)), 'the newest message in view');
    const shown = await shownIds();
    assert.ok(!shown.includes(ids[40]), 'the window is gone');
    assert.deepEqual(shown, ids.slice(ids.indexOf(shown[0])), 'the newest page, contiguous');
    assert.deepEqual(page.pageErrors, []);
  });
});
