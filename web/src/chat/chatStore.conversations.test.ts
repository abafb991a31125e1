// The chat store with the v1.1 conversation frames routed in from a fake socket: catch-up of
// changes across a reconnect, live message_updated, read state from other tabs, receipts, mention
// notices and replies.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../net/api';
import { ChatSocket } from '../net/chatSocket';
import type { Message, Room } from '../protocol/types';
import { FakeChatApi } from '../testing/fakeChatApi';
import { FakeSocket } from '../testing/fakeSocket';
import { MemoryStorage } from '../testing/memoryStorage';
import { ChatStore } from './chatStore';
import { seenBy } from './receipts';
import { unreadOf } from './serverReadState';
import { findMessage } from './timeline';

const me = { id: 1, username: 'ann', role: 'user' };
const bo = { id: 2, username: 'bo' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

async function setup(reading = true) {
  const api = new FakeChatApi(me.id);
  for (let i = 1; i <= 5; i++) api.post(i % 2 ? bo : me, `m${i}`);
  api.rooms_ = [{ ...room7, last_read: 5, unread: 0, mentions: 0, last_message: api.messages[4] }];
  api.members_ = [
    { id: 1, username: 'ann', role: 'member', online: true, last_read: 5 },
    { id: 2, username: 'bo', role: 'owner', online: true, last_read: 3 },
  ];
  let store: ChatStore | null = null;
  const socket = new ChatSocket({ url: 'ws://x/ws', createSocket: (u) => new FakeSocket(u), getToken: async () => 'tok', lastSeen: (r) => store!.lastSeen(r), random: () => 0 });
  store = new ChatStore({ api: api as unknown as Api, socket, storage: new MemoryStorage(), roomsPollMs: 0, isVisible: () => reading });
  await store.start(me);
  const connect = async () => {
    const ws = FakeSocket.last();
    ws.open();
    await vi.advanceTimersByTimeAsync(0);
    ws.deliver({ type: 'authed', user: me });
    return ws;
  };
  const ws = await connect();
  const joined = (extra: Record<string, unknown> = {}) => ({ type: 'joined', room: api.rooms_[0], online: [], missed: [], missed_truncated: false, changed: [], changed_truncated: false, ...extra });
  ws.deliver(joined());
  const s = store;
  return { api, store: s, ws, connect, joined, rv: () => s.getState().rooms[7], held: (id: number) => findMessage(s.getState().rooms[7].timeline, id) };
}

const updated = (m: Message) => ({ type: 'message_updated', ...m });

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});
afterEach(() => vi.useRealTimers());

describe('ChatStore conversations', () => {
  it('catches up an edit made while offline: rejoins with since = the largest rev seen and applies joined.changed', async () => {
    const { api, store, ws, connect, joined, held } = await setup();
    store.openRoom(7);
    await vi.advanceTimersByTimeAsync(0);
    ws.deliver(updated(api.change(3, (m) => ({ ...m, reactions: [{ emoji: '🎉', count: 1, users: [2] }] }))));
    expect(held(3)?.reactions?.[0].emoji).toBe('🎉');
    ws.drop();
    const edit = api.change(2, (m) => ({ ...m, body: 'm2, edited offline', edited_at: 'x' }));
    const gone = api.change(4, (m) => ({ id: m.id, room: 7, from: m.from, ts: m.ts, body: '', deleted: true, rev: 0 }));
    await vi.advanceTimersByTimeAsync(1000);
    const ws2 = await connect();
    expect(ws2.framesOfType('join')).toEqual([{ type: 'join', room: 7, since: 6, ref: 'join:7' }]);
    ws2.deliver(joined({ changed: [edit, gone] }));
    expect(held(2)?.body).toBe('m2, edited offline');
    expect(held(4)?.deleted).toBe(true);
    // A late history copy of the old state changes nothing.
    ws2.deliver(updated({ ...api.messages[1], body: 'm2', rev: 2 }));
    expect(held(2)?.body).toBe('m2, edited offline');
    expect(store.lastSeen(7)).toBe(gone.rev);
  });

  it('keeps badges in step with another tab of the same user (read_state) and live deletions', async () => {
    const { api, ws, rv } = await setup();
    ws.deliver({ type: 'message', ...api.post(bo, 'one') });
    ws.deliver({ type: 'message', ...api.post(bo, 'two @ann', { mentions: [1] }) });
    expect(unreadOf(rv(), me.id)).toEqual({ unread: 2, mentions: 1 });
    ws.deliver({ type: 'read_state', room: 7, last_read: 6, unread: 1, mentions: 1 });
    expect(unreadOf(rv(), me.id)).toEqual({ unread: 1, mentions: 1 });
    ws.deliver(updated(api.change(7, (m) => ({ id: m.id, room: 7, from: m.from, ts: m.ts, body: '', deleted: true }))));
    expect(unreadOf(rv(), me.id)).toEqual({ unread: 0, mentions: 0 });
  });

  it('reads the open room with a read frame when a message arrives while the user looks', async () => {
    const { api, store, ws, rv } = await setup();
    store.openRoom(7);
    await vi.advanceTimersByTimeAsync(0);
    ws.deliver({ type: 'message', ...api.post(bo, 'seen at once') });
    expect(unreadOf(rv(), me.id).unread).toBe(0);
    expect(ws.framesOfType('read')).toEqual([{ type: 'read', room: 7, up_to: 6, ref: 'read:7' }]);
    store.setAtBottom(7, false); // scrolled up: new messages stay unread
    await vi.advanceTimersByTimeAsync(2000);
    ws.deliver({ type: 'message', ...api.post(bo, 'while scrolled up') });
    expect(unreadOf(rv(), me.id).unread).toBe(1);
    store.setAtBottom(7, true);
    expect(ws.framesOfType('read').map((f) => f.up_to)).toEqual([6, 7]);
  });

  it('shows who has seen the last message from the members list and live receipts', async () => {
    const { api, store, ws, rv, held } = await setup();
    store.openRoom(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.calls).toContain('members 7');
    expect(seenBy(rv(), held(4)!, me.id)).toEqual([]);
    ws.deliver({ type: 'receipt', room: 7, user: bo, last_read: 4 });
    expect(seenBy(rv(), held(4)!, me.id).map((m) => m.username)).toEqual(['bo']);
  });

  it('tells the user about a mention elsewhere, not in the room they are reading', async () => {
    const { api, store, ws } = await setup();
    const msg = api.post(bo, 'hey @ann', { mentions: [1] });
    ws.deliver({ type: 'mention', room: 7, message: msg });
    expect(store.getState().notices.map((n) => [n.code, n.params])).toEqual([['mentioned', { from: 'bo', room: 'general' }]]);
    store.openRoom(7);
    ws.deliver({ type: 'mention', room: 7, message: msg });
    expect(store.getState().notices).toHaveLength(1);
  });

  it('sends a reply in a thread with reply_to and shows it there once stored', async () => {
    const { store, ws, rv } = await setup();
    store.send(7, 'answering', 3);
    const [sent] = ws.framesOfType('send');
    expect(sent).toMatchObject({ body: 'answering', reply_to: 3 });
    expect(rv().timeline.pending[0].replyTo).toBe(3);
    ws.deliver({ type: 'ack', ref: sent.ref, room: 7, id: 6, ts: 'x', client_id: sent.client_id });
    expect(findMessage(rv().timeline, 6)?.reply_to).toBe(3);
  });
});
