// End-to-end: attachments — by the attach button, by drag and drop and by pasting, with a progress
// bar and cancel; an image shows as a thumbnail for the other person (space reserved from the
// server's width and height, fetched with the token) and opens full size; another file shows as a
// card whose button downloads it; an SVG or HTML upload opened by its URL in a tab of its own is
// downloaded, never run in Parley's origin. Files attached but not sent survive a reload (kept in
// IndexedDB): uploaded ones by their upload, the others uploaded again from their stored bytes.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, launchBrowser, loginUi, newPage, registerApi, reportOnFailure, startServer, steerSockets, uniq, waitFor } from './helpers.mjs';

/** A PNG of the given size drawn by the browser (a canvas), as bytes. */
async function pngBytes(page, width, height) {
  const data = await page.evaluate(
    async ([w, h]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d');
      g.fillStyle = '#4f46e5';
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#f59e0b';
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      return [...new Uint8Array(await blob.arrayBuffer())];
    },
    [width, height],
  );
  return Buffer.from(data);
}

/** Dispatches a drop of one file on `selector` the way a desktop drag would. */
async function dropFile(page, selector, { name, type, text }) {
  await page.evaluate(
    ([sel, n, ty, tx]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([tx], n, { type: ty }));
      const el = document.querySelector(sel);
      el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [selector, name, type, text],
  );
}

describe('attachments in the browser', () => {
  let server;
  let browser;
  let ann;
  let bob;
  let roomId;

  async function person(prefix, opts) {
    const reg = await registerApi(server.url, uniq(prefix));
    const p = await newPage(browser, server.url, opts);
    return { ...p, user: reg.user, token: reg.access_token };
  }

  const composerFiles = (page) => page.locator('.composer-files li');
  async function sendAttached(page, text = '') {
    await waitFor(async () => (await page.locator('.composer-files li.uploading').count()) === 0 && (await composerFiles(page).count()) > 0, 'the uploads');
    const box = page.getByRole('textbox', { name: 'Message text' });
    if (text) await box.fill(text);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitFor(async () => (await composerFiles(page).count()) === 0, 'the composer to empty');
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await registerApi(server.url, 'admin');
    ann = await person('ann');
    bob = await person('bob');
    roomId = (await api(server.url, 'POST', '/api/rooms', { name: uniq('files-'), private: false }, ann.token)).id;
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, bob.token);
    await loginUi(ann.page, ann.user.username, { path: `/rooms/${roomId}` });
    await loginUi(bob.page, bob.user.username, { path: `/rooms/${roomId}` });
  });

  after(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  afterEach(reportOnFailure);

  test('the attach button uploads an image; the other person sees its thumbnail and opens it full size', async () => {
    const png = await pngBytes(ann.page, 640, 400);
    await ann.page.getByTestId('composer-file').setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: png });
    await sendAttached(ann.page, 'look at this');
    const thumb = bob.page.locator('.msg', { hasText: 'look at this' }).getByRole('button', { name: 'Open diagram.png full size' });
    await thumb.waitFor();
    // Space reserved from the server's width and height: 640×400 scaled into 320×240.
    const box = await thumb.boundingBox();
    assert.ok(Math.abs(box.width - 320 - 2) <= 2 && Math.abs(box.height - 200 - 2) <= 2, `thumbnail box ${JSON.stringify(box)}`);
    const img = thumb.locator('img');
    await waitFor(async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) === 640, 'the image to load');
    assert.match(await img.getAttribute('src'), /^blob:/);
    await thumb.click();
    const full = bob.page.getByRole('dialog', { name: 'diagram.png' });
    await full.locator('img').waitFor();
    await bob.page.keyboard.press('Escape');
    await full.waitFor({ state: 'detached' });
  });

  test('a file dropped on the room is sent as a card; its download button saves the same bytes', async () => {
    const text = 'line one\nline two\n';
    await dropFile(ann.page, '[data-testid=messages]', { name: 'notes.txt', type: 'text/plain', text });
    await composerFiles(ann.page).filter({ hasText: 'notes.txt' }).waitFor();
    await sendAttached(ann.page);
    const card = bob.page.locator('.attachment-file', { hasText: 'notes.txt' });
    await card.waitFor();
    assert.match(await card.locator('.attachment-size').textContent(), /^18 B$/);
    const [download] = await Promise.all([bob.page.waitForEvent('download'), card.getByRole('button', { name: 'Download notes.txt' }).click()]);
    assert.equal(download.suggestedFilename(), 'notes.txt');
    assert.equal(await readFile(await download.path(), 'utf8'), text);
  });

  test('an image pasted into the composer is attached', async () => {
    const png = await pngBytes(ann.page, 40, 30);
    await ann.page.getByRole('textbox', { name: 'Message text' }).focus();
    await ann.page.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, [...png]);
    await composerFiles(ann.page).filter({ hasText: /^pasted-/ }).waitFor();
    await sendAttached(ann.page, 'pasted one');
    const thumb = bob.page.locator('.msg', { hasText: 'pasted one' }).locator('.attachment-image img');
    await waitFor(async () => (await thumb.evaluate((el) => el.complete && el.naturalWidth)) === 40, 'the pasted image');
  });

  test('a slow upload shows its progress and can be cancelled', async () => {
    const cdp = await ann.context.newCDPSession(ann.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    try {
      await ann.page.getByTestId('composer-file').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4 * 1024 * 1024, 7) });
      const item = composerFiles(ann.page).filter({ hasText: 'big.bin' });
      const bar = item.getByRole('progressbar', { name: 'Uploading big.bin' });
      await bar.waitFor();
      assert.equal(await ann.page.getByRole('button', { name: 'Send', exact: true }).isDisabled(), true);
      await item.getByRole('button', { name: 'Cancel upload of big.bin' }).click();
      await item.waitFor({ state: 'detached' });
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
    assert.equal(await composerFiles(ann.page).count(), 0);
  });

  test('a message with a file, written while offline, survives a reload and is sent once', async () => {
    const cy = await person('cy');
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, cy.token);
    const ctl = await steerSockets(cy.context);
    await loginUi(cy.page, cy.user.username, { path: `/rooms/${roomId}` });
    await cy.page.getByRole('textbox', { name: 'Message text' }).waitFor();
    await ctl.cut();
    await cy.page.getByTestId('composer-file').setInputFiles({ name: 'offline.txt', mimeType: 'text/plain', buffer: Buffer.from('written offline') });
    await sendAttached(cy.page, 'sent while offline');
    const pending = cy.page.locator('.msg.msg-pending', { hasText: 'sent while offline' });
    await pending.locator('.attachment-file', { hasText: 'offline.txt' }).waitFor();
    await cy.page.reload();
    await pending.locator('.attachment-file', { hasText: 'offline.txt' }).waitFor();
    ctl.restore();
    const card = bob.page.locator('.msg', { hasText: 'sent while offline' }).locator('.attachment-file', { hasText: 'offline.txt' });
    await card.waitFor({ timeout: 40_000 });
    await cy.page.locator('.msg:not(.msg-pending)', { hasText: 'sent while offline' }).waitFor({ timeout: 40_000 });
    await bob.page.waitForTimeout(500);
    assert.equal(await bob.page.locator('.msg', { hasText: 'sent while offline' }).count(), 1);
    await cy.context.close();
  });

  /** The composer's files kept in IndexedDB (the web app's `parley-drafts` store), as {name, uploaded, bytes}. */
  const keptFiles = (page) =>
    page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const req = indexedDB.open('parley-drafts', 1);
          req.onupgradeneeded = () => req.result.createObjectStore('files');
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const all = req.result.transaction('files').objectStore('files').getAll();
            all.onerror = () => reject(all.error);
            all.onsuccess = async () => {
              const out = [];
              for (const r of all.result) out.push({ name: r.name, uploaded: !!r.upload, bytes: r.blob ? await r.blob.text() : null });
              req.result.close();
              resolve(out);
            };
          };
        }),
    );

  /** Someone new in the room, signed in on a page of their own, counting its upload requests. */
  async function uploader(prefix) {
    const p = await person(prefix);
    await api(server.url, 'POST', `/api/rooms/${roomId}/join`, {}, p.token);
    p.uploads = 0;
    p.page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/uploads') p.uploads++;
    });
    await loginUi(p.page, p.user.username, { path: `/rooms/${roomId}` });
    await p.page.getByRole('textbox', { name: 'Message text' }).waitFor();
    return p;
  }

  /** The bytes of the first attachment of the room's message with `body`, read over REST by bob. */
  async function attachedBytes(body) {
    const page = await api(server.url, 'GET', `/api/rooms/${roomId}/messages?limit=20`, undefined, bob.token);
    const m = page.messages.find((x) => x.body === body);
    const res = await fetch(server.url + m.attachments[0].url, { headers: { Authorization: `Bearer ${bob.token}` } });
    return res.text();
  }

  test('a file attached and uploaded but not sent is in the composer again after a reload, and is sent', async () => {
    const dee = await uploader('dee');
    await dee.page.getByTestId('composer-file').setInputFiles({ name: 'kept.txt', mimeType: 'text/plain', buffer: Buffer.from('kept across a reload') });
    await composerFiles(dee.page).filter({ hasText: 'kept.txt' }).and(dee.page.locator('.done')).waitFor();
    await waitFor(async () => (await keptFiles(dee.page)).some((f) => f.name === 'kept.txt' && f.uploaded), 'the upload kept in IndexedDB');
    assert.equal(dee.uploads, 1);
    await dee.page.reload();
    // Shown as uploaded, by its upload id: not uploaded a second time.
    await composerFiles(dee.page).filter({ hasText: 'kept.txt' }).and(dee.page.locator('.done')).waitFor();
    assert.equal(dee.uploads, 1);
    await sendAttached(dee.page, 'sent after a reload');
    await bob.page.locator('.msg', { hasText: 'sent after a reload' }).locator('.attachment-file', { hasText: 'kept.txt' }).waitFor();
    assert.equal(await attachedBytes('sent after a reload'), 'kept across a reload');
    await waitFor(async () => (await keptFiles(dee.page)).length === 0, 'the stored draft files gone once sent');
    await dee.page.reload();
    await dee.page.getByRole('textbox', { name: 'Message text' }).waitFor();
    await dee.page.locator('.msg', { hasText: 'sent after a reload' }).waitFor();
    assert.equal(await composerFiles(dee.page).count(), 0);
    await dee.context.close();
  });

  test('a file still uploading at a reload is uploaded again from its stored bytes, then sent', async () => {
    const eve = await uploader('eve');
    // The first upload never gets an answer: the page is reloaded while it is in flight.
    const hold = (route) => void route; // neither continued nor fulfilled
    await eve.page.route('**/api/uploads?*', hold);
    await eve.page.getByTestId('composer-file').setInputFiles({ name: 'resumed.txt', mimeType: 'text/plain', buffer: Buffer.from('uploaded after the reload') });
    await composerFiles(eve.page).filter({ hasText: 'resumed.txt' }).getByRole('progressbar').waitFor();
    await waitFor(async () => (await keptFiles(eve.page)).some((f) => f.name === 'resumed.txt' && f.bytes === 'uploaded after the reload'), 'the bytes kept in IndexedDB');
    await eve.page.unroute('**/api/uploads?*', hold);
    await eve.page.reload();
    await composerFiles(eve.page).filter({ hasText: 'resumed.txt' }).and(eve.page.locator('.done')).waitFor();
    assert.equal(eve.uploads, 2);
    await waitFor(async () => (await keptFiles(eve.page)).some((f) => f.name === 'resumed.txt' && f.uploaded && f.bytes === null), 'the bytes replaced by the upload');
    await sendAttached(eve.page, 'resumed and sent');
    await bob.page.locator('.msg', { hasText: 'resumed and sent' }).locator('.attachment-file', { hasText: 'resumed.txt' }).waitFor();
    assert.equal(await attachedBytes('resumed and sent'), 'uploaded after the reload');
    assert.equal(await bob.page.locator('.msg', { hasText: 'resumed and sent' }).locator('.attachment-file').count(), 1);
    await eve.context.close();
  });

  test('an SVG or HTML upload opened by its URL in its own tab is downloaded, its script never runs', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>console.log("svg-script-ran");document.title="pwned"</script><rect width="10" height="10"/></svg>';
    const html = '<!doctype html><title>x</title><script>console.log("html-script-ran");document.title="pwned"</script>';
    const up = async (name, type, body) => {
      const res = await fetch(`${server.url}/api/uploads?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': type }, body });
      assert.equal(res.status, 201);
      return (await res.json()).upload;
    };
    const files = [await up('evil.svg', 'image/svg+xml', svg), await up('evil.html', 'text/html', html)];
    // A tab of its own that presents the token, as a browser holding it might.
    const context = await browser.newContext({ acceptDownloads: true, extraHTTPHeaders: { Authorization: `Bearer ${ann.token}` } });
    try {
      for (const f of files) {
        const page = await context.newPage();
        const logged = [];
        page.on('console', (m) => logged.push(m.text()));
        const downloaded = page.waitForEvent('download', { timeout: 10_000 });
        await page.goto(server.url + f.url).catch((e) => assert.match(e.message, /download/i));
        const d = await downloaded;
        assert.equal(await readFile(await d.path(), 'utf8'), f.name.endsWith('.svg') ? svg : html);
        await page.waitForTimeout(300);
        assert.deepEqual(logged.filter((l) => l.includes('script-ran')), []);
        assert.notEqual(await page.title(), 'pwned');
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
});
