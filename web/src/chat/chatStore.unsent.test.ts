// The chat store's unsent messages across reloads: persisted while unacknowledged, restored as
// pending in their rooms after a "reload" (a new store on the same storage) and resent with the
// same client_id after the join, once per tab.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../net/api';
import { ChatStore } from './chatStore';
import { ChatSocket } from '../net/chatSocket';
import type { TabRegistry } from './openTabs';
import { FakeSocket } from '../testing/fakeSocket';
import { MemoryStorage } from '../testing/memoryStorage';
import type { Message, Room } from '../protocol/types';
import { UnsentStore, type UnsentEntry } from './unsentStore';

const me = { id: 1, username: 'ann', role: 'user' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };
const NOW = Date.parse('2026-03-01T10:00:00.000Z');

function entry(n: number, extra: Partial<UnsentEntry> = {}): UnsentEntry {
  return {
    clientId: `c-${n}`,
    room: 7,
    body: `offline ${n}`,
    createdAt: new Date(NOW - 60_000 + n * 1000).toISOString(),
    userId: 1,
    username: 'ann',
    status: 'pending',
    tab: 'closed-tab',
    ...extra,
  };
}

function tabs(id: string, others: string[] = []): TabRegistry {
  return { id, alive: async () => new Set([id, ...others]) };
}

function create(storage: MemoryStorage, opts: { tabs?: TabRegistry; history?: Message[]; rooms?: Room[] } = {}) {
  FakeSocket.reset();
  const api = {
    rooms: vi.fn(async () => opts.rooms ?? [room7]),
    messagesBefore: vi.fn(async () => ({ messages: opts.history ?? [], next_before: null })),
    messagesAfter: vi.fn(async () => ({ messages: [], next_after: null })),
  };
  let store: ChatStore | null = null;
  const socket = new ChatSocket({
    url: 'ws://x/ws',
    createSocket: (u) => new FakeSocket(u),
    getToken: async () => 'tok',
    lastSeen: (r) => store!.lastSeen(r),
    random: () => 0,
  });
  store = new ChatStore({
    api: api as unknown as Api,
    socket,
    storage,
    unsentStorage: storage,
    tabs: opts.tabs ?? tabs('this-tab'),
    now: () => NOW,
    roomsPollMs: 0,
  });
  return store;
}

async function setup(storage: MemoryStorage, opts: { tabs?: TabRegistry; history?: Message[]; rooms?: Room[] } = {}) {
  const store = create(storage, opts);
  await store.start(me);
  return { store, ws: FakeSocket.last() };
}

async function authenticate(ws: FakeSocket): Promise<void> {
  ws.open();
  await vi.advanceTimersByTimeAsync(0);
  ws.deliver({ type: 'authed', user: me });
  await vi.advanceTimersByTimeAsync(0);
}

const pendingOf = (s: ChatStore) => s.getState().rooms[7].timeline.pending.map((p) => [p.body, p.status]);
const stored = (storage: MemoryStorage) => new UnsentStore(storage, 1, { now: () => NOW }).list();

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ChatStore unsent messages', () => {
  it('persists a send until its ack, and keeps a failed one until it is discarded', async () => {
    const storage = new MemoryStorage();
    const { store, ws } = await setup(storage);
    await authenticate(ws);
    store.send(7, 'hello');
    store.send(7, 'again');
    expect(stored(storage).map((e) => [e.body, e.status, e.tab])).toEqual([
      ['hello', 'pending', 'this-tab'],
      ['again', 'pending', 'this-tab'],
    ]);
    const [first, second] = ws.framesOfType('send');
    ws.deliver({ type: 'ack', ref: first.ref, room: 7, id: 5, ts: new Date(NOW).toISOString(), client_id: first.client_id });
    ws.deliver({ type: 'error', ref: second.ref, code: 'rate_limited', message: 'slow down' });
    expect(stored(storage).map((e) => [e.body, e.status, e.error])).toEqual([['again', 'failed', 'rate_limited']]);
    store.retry(7, second.client_id as string);
    expect(stored(storage).map((e) => e.status)).toEqual(['pending']);
    ws.deliver({ type: 'error', ref: second.ref, code: 'rate_limited', message: 'slow down' });
    store.discard(7, second.client_id as string);
    expect(stored(storage)).toEqual([]);
    expect(pendingOf(store)).toEqual([]);
  });

  it('after a reload shows them in order, failed ones as failed, and resends the pending ones after the join', async () => {
    const storage = new MemoryStorage();
    const earlier = new UnsentStore(storage, 1, { now: () => NOW });
    earlier.put(entry(2));
    earlier.put(entry(1));
    earlier.put(entry(3, { status: 'failed', error: 'timeout' }));
    const { store, ws } = await setup(storage);
    expect(pendingOf(store)).toEqual([
      ['offline 1', 'pending'],
      ['offline 2', 'pending'],
      ['offline 3', 'failed'],
    ]);
    expect(ws.sent).toEqual([]); // nothing before authentication
    await authenticate(ws);
    const types = ws.sent.map((f) => f.type);
    expect(types.filter((t) => t !== 'auth')).toEqual(['join', 'send', 'send']);
    expect(ws.framesOfType('send').map((f) => [f.client_id, f.body])).toEqual([
      ['c-1', 'offline 1'],
      ['c-2', 'offline 2'],
    ]);
    // Adopted by this tab.
    expect(stored(storage).map((e) => e.tab)).toEqual(['this-tab', 'this-tab', 'this-tab']);
    // The first attempt had been stored: the server answers with the same message, shown once.
    ws.deliver({ type: 'ack', ref: 'send:c-1', room: 7, id: 40, ts: new Date(NOW).toISOString(), client_id: 'c-1' });
    ws.deliver({ type: 'message', id: 40, room: 7, from: { id: 1, username: 'ann' }, body: 'offline 1', ts: new Date(NOW).toISOString(), client_id: 'c-1' });
    ws.deliver({ type: 'ack', ref: 'send:c-2', room: 7, id: 41, ts: new Date(NOW).toISOString(), client_id: 'c-2' });
    expect(store.getState().rooms[7].timeline.messages.map((m) => [m.id, m.body])).toEqual([
      [40, 'offline 1'],
      [41, 'offline 2'],
    ]);
    expect(pendingOf(store)).toEqual([['offline 3', 'failed']]);
    expect(stored(storage).map((e) => e.clientId)).toEqual(['c-3']);
  });

  it('drops an entry the history shows as stored instead of showing it twice', async () => {
    const storage = new MemoryStorage();
    new UnsentStore(storage, 1, { now: () => NOW }).put(entry(1));
    const { store, ws } = await setup(storage);
    await authenticate(ws);
    ws.deliver({ type: 'joined', room: room7, online: [], missed: [{ id: 9, room: 7, from: { id: 1, username: 'ann' }, body: 'offline 1', ts: 'x', client_id: 'c-1' }], missed_truncated: false });
    expect(pendingOf(store)).toEqual([]);
    expect(store.getState().rooms[7].timeline.messages.map((m) => m.body)).toEqual(['offline 1']);
    expect(stored(storage)).toEqual([]);
  });

  it('leaves alone the entries of another open tab and of another user, and drops those of rooms left', async () => {
    const storage = new MemoryStorage();
    new UnsentStore(storage, 1, { now: () => NOW }).put(entry(1, { tab: 'other-open-tab' }));
    new UnsentStore(storage, 1, { now: () => NOW }).put(entry(2, { room: 99 }));
    new UnsentStore(storage, 2, { now: () => NOW }).put(entry(3, { userId: 2, username: 'bo' }));
    const { store, ws } = await setup(storage, { tabs: tabs('this-tab', ['other-open-tab']) });
    await authenticate(ws);
    expect(pendingOf(store)).toEqual([]);
    expect(ws.framesOfType('send')).toEqual([]);
    expect(stored(storage).map((e) => [e.clientId, e.tab])).toEqual([['c-1', 'other-open-tab']]);
    expect(new UnsentStore(storage, 2, { now: () => NOW }).list().map((e) => e.clientId)).toEqual(['c-3']);
  });

  it('adopts the entries of a tab that closed, on the next authentication', async () => {
    const storage = new MemoryStorage();
    const others = new Set(['other-tab']);
    const registry: TabRegistry = { id: 'this-tab', alive: async () => new Set(['this-tab', ...others]) };
    const { store, ws } = await setup(storage, { tabs: registry });
    await authenticate(ws);
    new UnsentStore(storage, 1, { now: () => NOW }).put(entry(1, { tab: 'other-tab' }));
    others.clear(); // the other tab was closed with its message unsent
    ws.drop();
    await vi.advanceTimersByTimeAsync(1000);
    const ws2 = FakeSocket.last();
    await authenticate(ws2);
    expect(pendingOf(store)).toEqual([['offline 1', 'pending']]);
    expect(ws2.framesOfType('send').map((f) => f.client_id)).toEqual(['c-1']);
  });

  it('sends a message written before the restore finished after the restored ones', async () => {
    const storage = new MemoryStorage();
    new UnsentStore(storage, 1, { now: () => NOW }).put(entry(1));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const registry: TabRegistry = { id: 'this-tab', alive: () => gate.then(() => new Set(['this-tab'])) };
    const store = create(storage, { tabs: registry });
    const started = store.start(me);
    const ws = FakeSocket.last();
    await authenticate(ws);
    // The rooms are listed, the restore still waits: the user writes.
    expect(store.getState().roomsLoaded).toBe(true);
    store.send(7, 'typed right after the reload');
    expect(ws.framesOfType('send')).toEqual([]);
    release();
    await started;
    expect(ws.framesOfType('send').map((f) => f.body)).toEqual(['offline 1', 'typed right after the reload']);
    expect(pendingOf(store).map(([b]) => b)).toEqual(['offline 1', 'typed right after the reload']);
  });
});
