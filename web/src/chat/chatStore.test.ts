import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../net/api';
import { ChatStore } from './chatStore';
import { unreadOf } from './serverReadState';
import { ChatSocket } from '../net/chatSocket';
import { FakeSocket } from '../testing/fakeSocket';
import type { Message, MessagePage, Room } from '../protocol/types';

const me = { id: 1, username: 'ann', role: 'user' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

function m(id: number, from = 2, extra: Partial<Message> = {}): Message {
  return { id, room: 7, from: { id: from, username: from === 1 ? 'ann' : 'bo' }, body: `m${id}`, ts: new Date(2026, 0, 1, 0, 0, id % 60).toISOString(), ...extra };
}

class MemoryStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

/** A server's message store behind the REST calls the chat store makes. */
function fakeApi(stored: Message[]) {
  return {
    rooms: vi.fn(async () => [room7]),
    messagesBefore: vi.fn(async (_room: number, before?: number, limit = 50): Promise<MessagePage> => {
      const older = stored.filter((x) => before === undefined || x.id < before).sort((a, b) => b.id - a.id);
      const page = older.slice(0, limit);
      return { messages: page, next_before: older.length > limit ? page[page.length - 1].id : null };
    }),
    messagesAfter: vi.fn(async (_room: number, after: number, limit = 100): Promise<MessagePage> => {
      const newer = stored.filter((x) => x.id > after).sort((a, b) => a.id - b.id);
      const page = newer.slice(0, limit);
      return { messages: page, next_after: newer.length > limit ? page[page.length - 1].id : null };
    }),
  };
}

async function setup(stored: Message[], storage = new MemoryStorage()) {
  const api = fakeApi(stored);
  let store: ChatStore | null = null;
  const socket = new ChatSocket({
    url: 'ws://x/ws',
    createSocket: (u) => new FakeSocket(u),
    getToken: async () => 'tok',
    lastSeen: (r) => store!.lastSeen(r),
    random: () => 0,
  });
  store = new ChatStore({ api: api as unknown as Api, socket, storage, roomsPollMs: 0 });
  await store.start(me);
  const ws = FakeSocket.last();
  ws.open();
  await vi.advanceTimersByTimeAsync(0);
  ws.deliver({ type: 'authed', user: me });
  return { store, api, ws, socket };
}

const roomIds = (s: ChatStore) => s.getState().rooms[7].timeline.messages.map((x) => x.id);

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe('ChatStore', () => {
  it('loads history, merges live messages, and pages back with before', async () => {
    const stored = Array.from({ length: 120 }, (_, i) => m(i + 1));
    const { store, ws } = await setup(stored);
    expect(ws.framesOfType('join')).toEqual([{ type: 'join', room: 7, ref: 'join:7' }]);
    ws.deliver({ type: 'joined', room: room7, online: [me], missed: [], missed_truncated: false });
    store.openRoom(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(roomIds(store)).toEqual(stored.slice(70).map((x) => x.id));
    ws.deliver({ type: 'message', ...m(121) });
    ws.deliver({ type: 'message', ...m(121) });
    await store.loadOlder(7);
    await store.loadOlder(7);
    expect(roomIds(store)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    expect(store.getState().rooms[7].hasOlder).toBe(false);
  });

  it('counts unread messages on top of the server read state and clears them when the room is opened', async () => {
    const { store, ws } = await setup([m(1), m(2), m(3), m(4, 1)]);
    ws.deliver({ type: 'joined', room: { ...room7, last_read: 1, unread: 0, mentions: 0, last_message: m(1) }, online: [], missed: [], missed_truncated: false });
    ws.deliver({ type: 'message', ...m(2) });
    ws.deliver({ type: 'message', ...m(3) });
    ws.deliver({ type: 'message', ...m(4, 1) }); // my own message from another tab is not unread
    expect(unreadOf(store.getState().rooms[7], me.id).unread).toBe(2);
    store.openRoom(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(unreadOf(store.getState().rooms[7], me.id).unread).toBe(0);
    expect(ws.framesOfType('read')).toEqual([{ type: 'read', room: 7, up_to: 4, ref: 'read:7' }]);
  });

  it('drops the read marks an earlier version kept in localStorage', async () => {
    const storage = new MemoryStorage();
    storage.setItem('parley.lastRead.1', '{"7": 3}');
    await setup([], storage);
    expect(storage.getItem('parley.lastRead.1')).toBeNull();
  });

  it('rejoins after a drop with since = the last id seen and fills the gap, paging on when truncated', async () => {
    const stored = Array.from({ length: 50 }, (_, i) => m(i + 1));
    const { store, ws } = await setup(stored);
    ws.deliver({ type: 'joined', room: room7, online: [], missed: [], missed_truncated: false });
    store.openRoom(7);
    await vi.advanceTimersByTimeAsync(0);
    ws.drop();
    // 700 messages arrive while we are away.
    for (let i = 51; i <= 750; i++) stored.push(m(i));
    await vi.advanceTimersByTimeAsync(1000);
    const ws2 = FakeSocket.last();
    ws2.open();
    await vi.advanceTimersByTimeAsync(0);
    ws2.deliver({ type: 'authed', user: me });
    expect(ws2.framesOfType('join')).toEqual([{ type: 'join', room: 7, since: 50, ref: 'join:7' }]);
    ws2.deliver({ type: 'joined', room: room7, online: [], missed: stored.slice(50, 550), missed_truncated: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(roomIds(store)).toEqual(Array.from({ length: 750 }, (_, i) => i + 1));
  });

  it('shows a send as pending, confirms it by ack, and retries a failed one with the same client_id', async () => {
    const { store, ws } = await setup([]);
    store.send(7, 'hello');
    const [sent] = ws.framesOfType('send');
    expect(store.getState().rooms[7].timeline.pending.map((p) => p.status)).toEqual(['pending']);
    ws.deliver({ type: 'error', ref: sent.ref, code: 'rate_limited', message: 'slow down' });
    expect(store.getState().rooms[7].timeline.pending.map((p) => p.status)).toEqual(['failed']);
    expect(store.getState().notices.map((n) => n.code)).toEqual(['rate_limited']);
    store.retry(7, sent.client_id as string);
    const sends = ws.framesOfType('send');
    expect(sends).toHaveLength(2);
    expect(sends[1].client_id).toBe(sent.client_id);
    ws.deliver({ type: 'ack', ref: sent.ref, room: 7, id: 9, ts: new Date().toISOString(), client_id: sent.client_id });
    ws.deliver({ type: 'message', ...m(9, 1, { body: 'hello', client_id: sent.client_id as string }) });
    expect(store.getState().rooms[7].timeline.pending).toEqual([]);
    expect(roomIds(store)).toEqual([9]);
  });

  it('shows notifications and refreshes the rooms when added to one', async () => {
    const { store, ws, api } = await setup([]);
    const before = api.rooms.mock.calls.length;
    ws.deliver({ type: 'notification', event: 'room.member_added', data: { room: { name: 'ops' } }, ts: 'x' });
    ws.deliver({ type: 'notification', event: 'order.shipped', data: { order: 7 }, ts: 'x' });
    await vi.advanceTimersByTimeAsync(0);
    expect(api.rooms.mock.calls.length).toBe(before + 1);
    const notices = store.getState().notices.map((n) => [n.code, n.params]);
    expect(notices).toEqual([
      ['member_added', { room: 'ops' }],
      ['notification', { event: 'order.shipped' }],
    ]);
  });
});
