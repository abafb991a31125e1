// End-to-end: the search box (Ctrl+K) — results grouped by room with the matched words marked
// (as text, never HTML), paging with "More results", and a result that opens its room at the
// message, far back in the history, scrolled into view and highlighted.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, launchBrowser, loginUi, newPage, registerApi, reportOnFailure, startServer, uniq, waitFor } from './helpers.mjs';

describe('search in the browser', () => {
  let server;
  let browser;
  let ann;
  let roomA;
  let roomB;
  let needleId;
  let roomAName;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await registerApi(server.url, 'admin');
    const reg = await registerApi(server.url, uniq('ann'));
    ann = { ...(await newPage(browser, server.url)), user: reg.user, token: reg.access_token };
    roomAName = uniq('history-');
    roomA = (await api(server.url, 'POST', '/api/rooms', { name: roomAName, private: false }, ann.token)).id;
    roomB = (await api(server.url, 'POST', '/api/rooms', { name: uniq('other-'), private: false }, ann.token)).id;
    const post = (room, body) => api(server.url, 'POST', `/api/rooms/${room}/messages`, { body }, ann.token);
    needleId = (await post(roomA, 'the Deployment link is https://example.com/deploy')).id;
    // Far more than a history page after it, so opening it needs older pages.
    for (let i = 0; i < 130; i++) await post(roomA, `filler message number ${i}`);
    await post(roomB, 'deploy notes for <b>friday</b> <img src=x onerror="document.title=\'pwned\'">');
    await loginUi(ann.page, ann.user.username, { path: `/rooms/${roomB}` });
    await ann.page.locator('[data-testid=messages] .msg-body', { hasText: 'deploy notes' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('Ctrl+K opens the box; results are grouped by room with the prefix marked, as text', async () => {
    const page = ann.page;
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search messages' });
    await dialog.getByRole('searchbox', { name: 'Search messages' }).fill('deplo');
    await dialog.locator('.search-result').nth(1).waitFor();
    const groups = dialog.locator('.search-group');
    assert.equal(await groups.count(), 2);
    // Newest first: room B's message was written last.
    const headings = await groups.locator('h3').allTextContents();
    assert.equal(headings[1], roomAName);
    const marks = await dialog.locator('mark').allTextContents();
    assert.ok(marks.includes('Deplo') && marks.includes('deplo'), `marks: ${marks}`);
    // The markup in a message is shown as characters, never run.
    const body = dialog.locator('.search-result', { hasText: 'friday' }).locator('.search-body');
    assert.match(await body.textContent(), /<b>friday<\/b> <img src=x/);
    assert.equal(await body.locator('b, img').count(), 0);
    assert.notEqual(await page.title(), 'pwned');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  test('"More results" pages on with next_before', async () => {
    const page = ann.page;
    await page.getByRole('button', { name: 'Search messages' }).click();
    const dialog = page.getByRole('dialog', { name: 'Search messages' });
    await dialog.getByRole('searchbox').fill('filler message');
    await waitFor(async () => (await dialog.locator('.search-result').count()) === 20, 'the first page');
    await dialog.getByRole('button', { name: 'More results' }).click();
    await waitFor(async () => (await dialog.locator('.search-result').count()) === 40, 'the second page');
    const ids = await dialog.locator('.search-result').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'newest first, no repeats',
    );
    assert.equal(new Set(ids).size, 40);
    await page.keyboard.press('Escape');
  });

  test('a result opens its room at the message, loading older history, in view and highlighted', async () => {
    const page = ann.page;
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search messages' });
    await dialog.getByRole('searchbox').fill('deployment link');
    await dialog.locator(`.search-result[data-id="${needleId}"]`).click();
    await page.waitForURL(new RegExp(`/rooms/${roomA}$`));
    const row = page.locator(`[data-testid=messages] .msg[data-id="${needleId}"]`);
    await row.waitFor();
    await page.locator(`.msg[data-id="${needleId}"][data-focused]`).waitFor();
    await waitFor(async () => {
      const box = await row.boundingBox();
      const list = await page.getByTestId('messages').boundingBox();
      return box && list && box.y >= list.y - 1 && box.y + box.height <= list.y + list.height + 1;
    }, 'the message in view');
    assert.deepEqual(page.pageErrors, []);
  });
});
