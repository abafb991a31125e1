// Shared pieces of the end-to-end tests: the real `parley` binary on 127.0.0.1 serving the built
// app, Debian's chromium driven by playwright-core, REST shortcuts, screenshot naming, and what a
// failed test reports (`afterEach(reportOnFailure)`).

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '..');
export const repoDir = path.resolve(webDir, '..');
export const screenshotDir = path.join(webDir, 'test-results', 'screenshots');
export const failureDir = path.join(webDir, 'test-results', 'failures');
const PARLEY_BIN = process.env.PARLEY_BIN ?? path.join(repoDir, 'build', 'parley');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export const PASSWORD = 'correct horse battery';

/** For reports of failed tests: the servers (not cleaned up yet) and browsers, recent console lines. */
const servers = new Set();
const browsers = new Set();
const consoleLines = new WeakMap();

/** A unique, valid username or room name for this run. */
export function uniq(prefix) {
  return `${prefix}${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 6)}`;
}

async function waitFor(fn, what, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Starts `parley` on a fresh data dir (or the given one). `port` 0 picks an ephemeral port, read
 * back from --port-file; pass the same port again to restart in place.
 */
export async function startServer({ dataDir, port = 0, args: extraArgs = [] } = {}) {
  if (!existsSync(PARLEY_BIN)) throw new Error(`${PARLEY_BIN} is missing: build the server first`);
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'parley-e2e-')));
  const portFile = path.join(dir, `port-${Date.now()}`);
  const args = ['--listen', `127.0.0.1:${port}`, '--port-file', portFile, '--data-dir', dir, '--web-root', path.join(webDir, 'dist'), ...extraArgs];
  const proc = spawn(PARLEY_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  let exited = false;
  proc.on('exit', () => (exited = true));
  const actualPort = await waitFor(async () => {
    if (exited) throw new Error(`parley exited early:\n${output.slice(-2000)}`);
    const text = existsSync(portFile) ? (await readFile(portFile, 'utf8')).trim() : '';
    return text ? Number(text) : 0;
  }, 'the port file').catch((e) => {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n${output.slice(-2000)}`);
  });
  const url = `http://127.0.0.1:${actualPort}`;
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, '/healthz');
  const server = {
    url,
    port: actualPort,
    dataDir: dir,
    output: () => output,
    get exited() {
      return exited;
    },
    /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
    async stop(signal = 'SIGTERM') {
      if (exited) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(t);
    },
    /** Stops the server and removes its data dir (also one that was passed in, with `removeDir`). */
    async cleanup({ removeDir = !dataDir } = {}) {
      servers.delete(this);
      await this.stop();
      if (removeDir) await rm(dir, { recursive: true, force: true });
    },
  };
  servers.add(server);
  return server;
}

/** Debian's chromium, headless; playwright-core gives every launch a fresh temporary profile. */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browsers.add(browser);
  browser.on('disconnected', () => browsers.delete(browser));
  return browser;
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** A fresh browser context (its own storage, like a separate person) and a page in it. */
export async function newPage(browser, baseURL, { viewport = DESKTOP, colorScheme = 'light', locale = 'en-US' } = {}) {
  const context = await browser.newContext({ baseURL, viewport, colorScheme, locale, deviceScaleFactor: 1 });
  // The last console errors and warnings of each page (failed requests show here), for reports.
  context.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const page = m.page();
    if (!page) return;
    const lines = consoleLines.get(page) ?? [];
    const where = m.location()?.url;
    lines.push(`${m.type()}: ${m.text()}${where ? ` (${where})` : ''}`);
    consoleLines.set(page, lines.slice(-10));
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.pageErrors = errors;
  return { context, page };
}

// --- REST shortcuts (set-up that is not what a test is about) ---

export async function api(base, method, p, body, token) {
  const res = await fetch(base + p, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return json;
}

export async function registerApi(base, username) {
  return api(base, 'POST', '/api/auth/register', { username, password: PASSWORD });
}

// --- UI steps ---

export async function registerUi(page, username) {
  await page.goto('/');
  await page.getByRole('button', { name: /create an account/i }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Rooms' }).waitFor();
}

export async function loginUi(page, username, { path: p = '/' } = {}) {
  await page.goto(p);
  await page.getByLabel(/username|usuario/i).fill(username);
  await page.getByLabel(/password|contraseña/i).fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.locator('.app, .admin').first().waitFor();
}

export async function createRoomUi(page, name, { privateCode } = {}) {
  await page.getByRole('button', { name: 'New room' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Room name').fill(name);
  if (privateCode !== undefined) {
    await dialog.getByLabel('Private room').check();
    await dialog.getByLabel(/access code/i).fill(privateCode);
  }
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  return Number(/\/rooms\/(\d+)/.exec(page.url())[1]);
}

export async function sendUi(page, text) {
  const box = page.getByRole('textbox', { name: 'Message text' });
  await box.fill(text);
  await box.press('Enter');
}

/** The bodies of the messages shown in the open room, in display order. */
export async function shownBodies(page) {
  return page.locator('[data-testid=messages] .msg .msg-body').allTextContents();
}

export async function waitForMessage(page, text, timeout = 15_000) {
  await page.locator('[data-testid=messages] .msg-body', { hasText: text }).first().waitFor({ timeout });
}

/** The row of the message whose text contains `text`, in the room's list (or within `scope`). */
export function messageRow(page, text, scope = page.locator('[data-testid=messages]')) {
  return scope.locator('.msg', { hasText: text }).first();
}

/** Opens a message's menu: by hovering on a desktop, by a long press (touch) otherwise. */
export async function openMenu(row, { touch = false } = {}) {
  if (!touch) {
    await row.hover();
  } else {
    const box = await row.boundingBox();
    const at = { pointerType: 'touch', isPrimary: true, clientX: box.x + 20, clientY: box.y + box.height / 2, bubbles: true };
    await row.dispatchEvent('pointerdown', at);
    await row.page().waitForTimeout(650);
    await row.dispatchEvent('pointerup', at);
  }
  const menu = row.getByRole('toolbar', { name: /message actions|acciones del mensaje/i });
  await opaque(menu); // hidden (transparent) until hovered, focused or long-pressed
  return menu;
}

/** Resolves once every element of `locator` is fully opaque (CSS transitions, hover reveals). */
export async function opaque(locator) {
  await waitFor(async () => (await locator.evaluate((el) => getComputedStyle(el).opacity)) === '1', 'an opaque element');
}

/**
 * Routes a context's WebSockets through a relay the test steers: `cut()` drops the current
 * connection and refuses new ones until `restore()`. Records the `join` frames the page sends
 * and the `joined` frames it gets.
 */
export async function steerSockets(context) {
  const ctl = { blocked: false, open: [], joins: [], joined: [] };
  await context.routeWebSocket(/\/ws$/, (ws) => {
    if (ctl.blocked) return ws.close();
    const upstream = ws.connectToServer();
    ctl.open.push({ ws, upstream });
    ws.onMessage((raw) => {
      const f = JSON.parse(String(raw));
      if (f.type === 'join') ctl.joins.push(f);
      upstream.send(raw);
    });
    upstream.onMessage((raw) => {
      const f = JSON.parse(String(raw));
      if (f.type === 'joined') ctl.joined.push(f);
      ws.send(raw);
    });
  });
  ctl.cut = async () => {
    ctl.blocked = true;
    for (const { ws, upstream } of ctl.open.splice(0)) {
      await upstream.close().catch(() => undefined);
      await ws.close({ code: 4000, reason: 'cut by the test' }).catch(() => undefined);
    }
  };
  ctl.restore = () => (ctl.blocked = false);
  return ctl;
}

export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

// --- reports of failed tests ---

/**
 * The state a failed test left: each open page's address, visible text (its start), recent console
 * errors and a screenshot under test-results/failures/, and the end of each server's log.
 */
export async function diagnostics(label = 'failure') {
  const parts = [];
  let n = 0;
  for (const browser of browsers) {
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        n += 1;
        let text;
        try {
          text = (await page.locator('body').innerText({ timeout: 2000 })).replace(/\n\s*\n/g, '\n').trim().slice(0, 1500);
        } catch (e) {
          text = `(no text: ${e.message.split('\n')[0]})`;
        }
        const file = path.join(failureDir, `${label.replace(/[^\w-]+/g, '-').slice(0, 80)}-page${n}.png`);
        const shot = await mkdir(failureDir, { recursive: true })
          .then(() => page.screenshot({ path: file, timeout: 5000 }))
          .then(() => path.relative(webDir, file))
          .catch(() => 'none');
        const logged = consoleLines.get(page) ?? [];
        parts.push(`--- page ${n}: ${page.url()} (screenshot: ${shot})`, text);
        if (logged.length) parts.push('  console:', ...logged.map((l) => `  ${l.slice(0, 300)}`));
      }
    }
  }
  if (n === 0) parts.push('--- no open pages');
  for (const server of servers) {
    const lines = server.output().trimEnd().split('\n').slice(-40);
    parts.push(`--- server ${server.url}${server.exited ? ' (stopped)' : ''}, last ${lines.length} log lines:`, ...lines);
  }
  return parts.join('\n');
}

/** An afterEach hook (node:test) that adds diagnostics() to the report of a failed test. */
export async function reportOnFailure(t) {
  if (t.passed !== false) return;
  for (const line of (await diagnostics(t.name)).split('\n')) t.diagnostic(line);
}

export { waitFor };
