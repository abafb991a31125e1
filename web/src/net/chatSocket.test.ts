import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionExpiredError } from '../auth/sessionExpiredError';
import { ChatSocket, backoffDelay, type ConnectionState } from './chatSocket';
import { FakeSocket } from '../testing/fakeSocket';

const user = { id: 1, username: 'ann', role: 'user' };

function setup(opts: { lastSeen?: Record<number, number>; random?: () => number; token?: () => Promise<string> } = {}) {
  const lastSeen = opts.lastSeen ?? {};
  const getToken = vi.fn(opts.token ?? ((force: boolean) => Promise.resolve(force ? 'fresh-token' : 'tok-1')));
  const states: Array<{ state: ConnectionState; delayMs?: number }> = [];
  const events = {
    acks: [] as Array<[string, number, number]>,
    failed: [] as Array<[string, string]>,
    frames: [] as Array<Record<string, unknown>>,
    expired: 0,
  };
  const socket = new ChatSocket({
    url: 'ws://example.test/ws',
    createSocket: (url) => new FakeSocket(url),
    getToken,
    lastSeen: (room) => lastSeen[room],
    random: opts.random ?? (() => 0.5),
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
  });
  socket.on({
    state: (state, info) => states.push({ state, delayMs: info.delayMs }),
    ack: (cid, room, id) => events.acks.push([cid, room, id]),
    sendFailed: (cid, _room, code) => events.failed.push([cid, code]),
    frame: (f) => events.frames.push(f as unknown as Record<string, unknown>),
    sessionExpired: () => events.expired++,
  });
  return { socket, getToken, states, events, lastSeen };
}

/** Opens the newest fake connection and completes the auth handshake. */
async function connect(): Promise<FakeSocket> {
  const ws = FakeSocket.last();
  ws.open();
  await vi.advanceTimersByTimeAsync(0);
  ws.deliver({ type: 'authed', user });
  return ws;
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and stays within its jitter band', () => {
    expect(backoffDelay(0, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1000, 30_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 30_000, () => 0)).toBe(4000);
    expect(backoffDelay(3, 1000, 30_000, () => 1)).toBe(8000);
    expect(backoffDelay(10, 1000, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(50, 1000, 30_000, () => 0)).toBe(15_000);
    const seen = new Set([0.1, 0.4, 0.9].map((r) => backoffDelay(2, 1000, 30_000, () => r)));
    expect(seen.size).toBe(3);
  });
});

describe('ChatSocket', () => {
  it('authenticates with an auth frame, never a token in the URL', async () => {
    const { socket } = setup();
    socket.start();
    const ws = FakeSocket.last();
    expect(ws.url).toBe('ws://example.test/ws');
    expect(ws.url).not.toContain('tok');
    ws.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(ws.sent[0]).toEqual({ type: 'auth', token: 'tok-1' });
    expect(socket.state).not.toBe('open');
    ws.deliver({ type: 'authed', user });
    expect(socket.state).toBe('open');
  });

  it('joins rooms after auth with since = last id seen, and omits since when nothing is known', async () => {
    const { socket } = setup({ lastSeen: { 7: 120 } });
    socket.join(7);
    socket.join(8);
    socket.start();
    const ws = await connect();
    const joins = ws.framesOfType('join');
    expect(joins).toEqual([
      { type: 'join', room: 7, since: 120, ref: 'join:7' },
      { type: 'join', room: 8, ref: 'join:8' },
    ]);
  });

  it('reconnects with exponential backoff and jitter, then rejoins every room with the new since', async () => {
    let r = 0;
    const { socket, states, lastSeen } = setup({ lastSeen: { 7: 10 }, random: () => r });
    socket.join(7);
    socket.start();
    const first = await connect();
    lastSeen[7] = 42; // messages arrived meanwhile

    first.drop();
    expect(socket.state).toBe('reconnecting');
    expect(states[states.length - 1].delayMs).toBe(500); // attempt 0, random 0: half of 1 s
    await vi.advanceTimersByTimeAsync(499);
    expect(FakeSocket.all.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all.length).toBe(2);

    // The second attempt fails before opening: the next wait doubles.
    r = 1;
    FakeSocket.last().drop();
    expect(states[states.length - 1].delayMs).toBe(2000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.all.length).toBe(3);
    FakeSocket.last().drop();
    expect(states[states.length - 1].delayMs).toBe(4000);
    await vi.advanceTimersByTimeAsync(4000);

    const ws = await connect();
    expect(ws.framesOfType('join')).toEqual([{ type: 'join', room: 7, since: 42, ref: 'join:7' }]);
    expect(socket.state).toBe('open');

    // A success resets the backoff.
    ws.drop();
    expect(states[states.length - 1].delayMs).toBe(1000);
  });

  it('queues sends while offline and sends each once after reconnecting', async () => {
    const { socket, events } = setup();
    socket.join(7);
    socket.start();
    const first = await connect();
    first.drop();
    socket.send(7, 'typed offline', 'c-1');
    socket.send(7, 'also offline', 'c-2');
    await vi.advanceTimersByTimeAsync(1000);
    const ws = await connect();
    const sends = ws.framesOfType('send');
    expect(sends.map((f) => f.client_id)).toEqual(['c-1', 'c-2']);
    expect(sends[0]).toMatchObject({ type: 'send', room: 7, body: 'typed offline', client_id: 'c-1' });
    // The join precedes the sends, so the room is subscribed before its messages come back.
    expect(ws.sent.findIndex((f) => f.type === 'join')).toBeLessThan(ws.sent.findIndex((f) => f.type === 'send'));
    ws.deliver({ type: 'ack', ref: 'send:c-1', room: 7, id: 100, ts: 't', client_id: 'c-1' });
    ws.deliver({ type: 'ack', ref: 'send:c-2', room: 7, id: 101, ts: 't', client_id: 'c-2' });
    expect(events.acks).toEqual([
      ['c-1', 7, 100],
      ['c-2', 7, 101],
    ]);
    // Nothing is sent again on the next reconnect.
    ws.drop();
    await vi.advanceTimersByTimeAsync(1000);
    const third = await connect();
    expect(third.framesOfType('send')).toEqual([]);
  });

  it('sends a reply with reply_to, and again with it after a drop', async () => {
    const { socket } = setup();
    socket.start();
    const first = await connect();
    socket.send(7, 'in the thread', 'c-r', { replyTo: 40 });
    expect(first.framesOfType('send')).toEqual([{ type: 'send', room: 7, body: 'in the thread', client_id: 'c-r', ref: 'send:c-r', reply_to: 40 }]);
    first.drop();
    await vi.advanceTimersByTimeAsync(1000);
    const ws = await connect();
    expect(ws.framesOfType('send')[0].reply_to).toBe(40);
  });

  it('moves read positions with read frames while connected; a refused one is no error', async () => {
    const { socket, events } = setup();
    const errors: string[] = [];
    socket.on({ error: (code) => errors.push(code) });
    expect(socket.read(7, 12)).toBe(false); // not connected: the caller uses REST
    socket.start();
    const ws = await connect();
    expect(socket.read(7, 12)).toBe(true);
    expect(ws.framesOfType('read')).toEqual([{ type: 'read', room: 7, up_to: 12, ref: 'read:7' }]);
    ws.deliver({ type: 'read_state', ref: 'read:7', room: 7, last_read: 12, unread: 0, mentions: 0 });
    expect(events.frames.map((f) => f.type)).toEqual(['read_state']);
    ws.deliver({ type: 'error', ref: 'read:7', code: 'not_found', message: 'no such room' });
    expect(errors).toEqual([]);
  });

  it('resends an unacknowledged send with the same client_id after a drop', async () => {
    const { socket, events } = setup();
    socket.start();
    const first = await connect();
    socket.send(7, 'hello', 'c-9');
    expect(first.framesOfType('send')).toHaveLength(1);
    first.drop(); // no ack: we cannot know whether it was stored
    await vi.advanceTimersByTimeAsync(1000);
    const ws = await connect();
    expect(ws.framesOfType('send')).toEqual([first.framesOfType('send')[0]]);
    expect(events.failed).toEqual([]);
  });

  it('reports a refused send and retries it with the same client_id', async () => {
    const { socket, events } = setup();
    socket.start();
    const ws = await connect();
    socket.send(7, 'too fast', 'c-5');
    ws.deliver({ type: 'error', ref: 'send:c-5', code: 'rate_limited', message: 'slow down' });
    expect(events.failed).toEqual([['c-5', 'rate_limited']]);
    expect(socket.isQueued('c-5')).toBe(false);
    socket.send(7, 'too fast', 'c-5');
    expect(ws.framesOfType('send').map((f) => f.client_id)).toEqual(['c-5', 'c-5']);
  });

  it('fails a send that is never acknowledged while connected', async () => {
    const { socket, events } = setup();
    socket.start();
    await connect();
    socket.send(7, 'lost', 'c-6');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(events.failed).toEqual([['c-6', 'timeout']]);
  });

  it('asks for a refreshed token after the server refused the last one (close 4001)', async () => {
    const { socket, getToken } = setup();
    socket.start();
    const ws = FakeSocket.last();
    ws.open();
    await vi.advanceTimersByTimeAsync(0);
    ws.deliver({ type: 'error', code: 'unauthorized', message: 'expired' });
    ws.drop(4001);
    await vi.advanceTimersByTimeAsync(1000);
    const next = FakeSocket.last();
    next.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(getToken).toHaveBeenLastCalledWith(true);
    expect(next.sent[0]).toEqual({ type: 'auth', token: 'fresh-token' });
  });

  it('stops and reports when the session cannot be refreshed', async () => {
    const { socket, events } = setup({ token: () => Promise.reject(new SessionExpiredError('refresh rejected')) });
    socket.start();
    FakeSocket.last().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(events.expired).toBe(1);
    expect(socket.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all.length).toBe(1);
  });

  it('keeps retrying when a token cannot be had for lack of network', async () => {
    let fail = true;
    const { socket, events } = setup({ token: () => (fail ? Promise.reject(new Error('network error')) : Promise.resolve('tok-2')) });
    socket.start();
    FakeSocket.last().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(events.expired).toBe(0);
    expect(socket.state).toBe('reconnecting');
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    const ws = FakeSocket.last();
    ws.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(ws.sent[0]).toEqual({ type: 'auth', token: 'tok-2' });
  });

  it('treats a silent connection as dead and reconnects', async () => {
    const { socket } = setup();
    socket.start();
    const ws = await connect();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(ws.framesOfType('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(36_000);
    expect(socket.state).toBe('reconnecting');
    expect(ws.closedWith).toBe(4000);
  });

  it('forwards live frames and drops a room whose join was refused', async () => {
    const joinFailed = vi.fn();
    const { socket, events } = setup();
    socket.on({ joinFailed });
    socket.join(9);
    socket.start();
    const ws = await connect();
    ws.deliver({ type: 'error', ref: 'join:9', code: 'not_found', message: 'no such room' });
    expect(joinFailed).toHaveBeenCalledWith(9, 'not_found', 'no such room');
    expect(socket.subscribedRooms).toEqual([]);
    ws.deliver({ type: 'message', id: 5, room: 7, from: { id: 2, username: 'bo' }, body: 'x', ts: 't' });
    expect(events.frames).toHaveLength(1);
  });
});
