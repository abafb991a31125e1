import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionExpiredError } from '../auth/sessionExpiredError';
import { FakeSocket } from '../testing/fakeSocket';
import { BEARER_SUBPROTOCOL_PREFIX, ChatSocket, PARLEY_SUBPROTOCOL, type ConnectionState } from './chatSocket';

const user = { id: 1, username: 'ann', role: 'user' };

function setup(token: (force: boolean) => Promise<string> = (force) => Promise.resolve(force ? 'fresh' : 'tok-1')) {
  const getToken = vi.fn(token);
  const created: Array<{ url: string; protocols?: string[] }> = [];
  const states: ConnectionState[] = [];
  const events = { authed: [] as unknown[], expired: 0 };
  const socket = new ChatSocket({
    url: 'ws://example.test/ws',
    createSocket: (url, protocols) => {
      created.push({ url, protocols });
      return new FakeSocket(url);
    },
    getToken,
    subprotocolAuth: { currentUser: () => user },
    lastSeen: () => undefined,
    random: () => 0.5,
    baseDelayMs: 1000,
  });
  socket.on({
    state: (s) => states.push(s),
    authed: (u) => events.authed.push(u),
    sessionExpired: () => events.expired++,
  });
  return { socket, getToken, created, states, events };
}

async function flush() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('ChatSocket with the token in the subprotocol list', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.reset();
  });
  afterEach(() => vi.useRealTimers());

  it('offers parley.v1 and the token, never in the URL, and sends no auth frame', async () => {
    const { socket, created } = setup();
    socket.start();
    await flush();
    expect(created).toEqual([{ url: 'ws://example.test/ws', protocols: [PARLEY_SUBPROTOCOL, `${BEARER_SUBPROTOCOL_PREFIX}tok-1`] }]);
    const ws = FakeSocket.last();
    ws.open();
    expect(ws.framesOfType('auth')).toEqual([]);
    expect(ws.framesOfType('ping')).toEqual([{ type: 'ping', ref: 'hello' }]);
  });

  it('is open once the first pong arrives, then joins its rooms and sends what waited', async () => {
    const { socket, events, states } = setup();
    socket.join(7);
    socket.send(7, 'queued', 'c-1');
    socket.start();
    await flush();
    const ws = FakeSocket.last();
    ws.open();
    expect(socket.isOpen).toBe(false);
    expect(ws.framesOfType('join')).toEqual([]);
    ws.deliver({ type: 'pong', ref: 'hello' });
    expect(socket.isOpen).toBe(true);
    expect(events.authed).toEqual([user]);
    expect(states).toContain('open');
    expect(ws.framesOfType('join')).toEqual([{ type: 'join', room: 7, ref: 'join:7' }]);
    expect(ws.framesOfType('send').map((f) => f.client_id)).toEqual(['c-1']);
    // Later pongs are ordinary frames.
    ws.deliver({ type: 'pong', ref: 'hello' });
    expect(events.authed).toHaveLength(1);
  });

  it('after a 4001 (the session ended elsewhere) it reconnects with a refreshed token', async () => {
    const { socket, getToken, created } = setup();
    socket.start();
    await flush();
    FakeSocket.last().open();
    FakeSocket.last().deliver({ type: 'pong', ref: 'hello' });
    FakeSocket.last().deliver({ type: 'error', code: 'unauthorized', message: 'session ended' });
    FakeSocket.last().drop(4001);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(getToken).toHaveBeenLastCalledWith(true);
    expect(created.at(-1)?.protocols?.[1]).toBe(`${BEARER_SUBPROTOCOL_PREFIX}fresh`);
  });

  it('a refused upgrade (it never opens) also asks for a refreshed token next time', async () => {
    const { socket, getToken } = setup();
    socket.start();
    await flush();
    FakeSocket.last().drop(1006); // 401 on the upgrade: the browser only reports a close
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(getToken.mock.calls.map((c) => c[0])).toEqual([false, true]);
  });

  it('a refresh that is refused ends the session', async () => {
    const { socket, events, states } = setup((force) => (force ? Promise.reject(new SessionExpiredError('refresh rejected')) : Promise.resolve('tok-1')));
    socket.start();
    await flush();
    FakeSocket.last().drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(events.expired).toBe(1);
    expect(states.at(-1)).toBe('closed');
  });

  it('a token that cannot be had for lack of network is retried later', async () => {
    let fail = true;
    const { socket, created } = setup(() => (fail ? Promise.reject(new Error('offline')) : Promise.resolve('tok-2')));
    socket.start();
    await flush();
    expect(created).toHaveLength(0);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(created).toHaveLength(1);
  });
});
