import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { Message, Room } from '../protocol/types';
import { newRoomView, type RoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { acceptBase, adjustBase, baseFromRoom, ServerReadState, unreadOf } from './serverReadState';
import { addMessages } from './timeline';

const ME = 1;
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

function m(id: number, extra: Partial<Message> = {}): Message {
  return { id, room: 7, from: { id: 2, username: 'bo' }, body: `m${id}`, ts: 'x', ...extra };
}

function view(msgs: Message[], read: RoomView['read']): RoomView {
  const rv = newRoomView(room7);
  return { ...rv, read, historyLoaded: true, timeline: addMessages(rv.timeline, msgs, ME) };
}

describe('badges from the server read state', () => {
  it('takes a room base covering up to its last message', () => {
    expect(baseFromRoom({ ...room7, last_read: 4, unread: 2, mentions: 1, last_message: m(6) })).toEqual({ lastRead: 4, unread: 2, mentions: 1, high: 6 });
    expect(baseFromRoom({ ...room7, last_read: 4, unread: 0, mentions: 0, last_message: null })).toEqual({ lastRead: 4, unread: 0, mentions: 0, high: 4 });
    expect(baseFromRoom(room7)).toBeNull();
  });

  it('ignores a base behind the read position held (a stale response)', () => {
    const cur = { lastRead: 10, unread: 0, mentions: 0, high: 10 };
    expect(acceptBase(cur, { lastRead: 8, unread: 2, mentions: 0, high: 10 })).toBe(cur);
    expect(acceptBase(cur, { lastRead: 10, unread: 1, mentions: 0, high: 11 })).toEqual({ lastRead: 10, unread: 1, mentions: 0, high: 11 });
    expect(acceptBase(null, null)).toBeNull();
  });

  it('counts held messages above the base from others, not deleted, and their mentions of the user', () => {
    const rv = view([m(5), m(6), m(7, { from: { id: ME, username: 'ann' } }), m(8, { deleted: true, body: '' }), m(9, { mentions: [ME] })], { lastRead: 4, unread: 2, mentions: 0, high: 6 });
    expect(unreadOf(rv, ME)).toEqual({ unread: 3, mentions: 1 });
    expect(unreadOf({ ...rv, read: null }, ME)).toEqual({ unread: 0, mentions: 0 });
    expect(unreadOf({ ...rv, room: { ...room7, joined: false } }, ME)).toEqual({ unread: 0, mentions: 0 });
  });

  it('moves the base for live deletions and edits of messages it counted', () => {
    const base = { lastRead: 4, unread: 3, mentions: 1, high: 9 };
    expect(adjustBase(base, m(6, { mentions: [ME] }), m(6, { deleted: true, body: '' }), ME)).toEqual({ ...base, unread: 2, mentions: 0 });
    expect(adjustBase(base, undefined, m(6, { deleted: true }), ME)).toEqual({ ...base, unread: 2 });
    expect(adjustBase(base, m(6), m(6, { mentions: [ME] }), ME)).toEqual({ ...base, mentions: 2 });
    expect(adjustBase(base, m(6, { mentions: [ME] }), m(6, { body: 'no one' }), ME)).toEqual({ ...base, mentions: 0 });
    expect(adjustBase(base, m(3), m(3, { deleted: true }), ME)).toBe(base); // read already
    expect(adjustBase(base, m(10), m(10, { deleted: true }), ME)).toBe(base); // above the base: counted locally
    expect(adjustBase(base, m(6, { deleted: true }), m(6, { deleted: true }), ME)).toBe(base);
  });
});

describe('ServerReadState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup({ reading = true, socketOpen = true } = {}) {
    const core = new ChatStateCore();
    core.set({ user: { id: ME, username: 'ann', role: 'user' }, rooms: { 7: view([m(1), m(2), m(3)], { lastRead: 1, unread: 2, mentions: 0, high: 3 }) } });
    const socket = { read: vi.fn(() => socketOpen) };
    const api = { markRead: vi.fn(async (room: number, upTo: number) => ({ room, last_read: upTo, unread: 0, mentions: 0 })) };
    let isReading = reading;
    const rs = new ServerReadState(core, socket as unknown as ChatSocket, api as unknown as Api, () => isReading, () => Date.now());
    return { core, socket, api, rs, setReading: (v: boolean) => (isReading = v) };
  }

  it('reads the open room only while the page is visible and focused and the newest message is in view', () => {
    const { core, socket, rs, setReading } = setup({ reading: false });
    rs.markReadIfReading(7);
    core.set({ activeRoomId: 7 });
    rs.markReadIfReading(7);
    expect(socket.read).not.toHaveBeenCalled();
    setReading(true);
    rs.setAtBottom(7, false);
    rs.markReadIfReading();
    expect(socket.read).not.toHaveBeenCalled();
    rs.setAtBottom(7, true);
    expect(socket.read).toHaveBeenCalledWith(7, 3);
    expect(unreadOf(core.state.rooms[7], ME)).toEqual({ unread: 0, mentions: 0 });
    expect(core.state.rooms[7].read?.lastRead).toBe(3);
  });

  it('sends at most one read a second, the latest position winning', async () => {
    const { core, socket, rs } = setup();
    core.set({ activeRoomId: 7 });
    rs.markReadIfReading();
    core.updateRoom(7, (rv) => ({ ...rv, timeline: addMessages(rv.timeline, [m(4)], ME) }));
    rs.markReadIfReading();
    core.updateRoom(7, (rv) => ({ ...rv, timeline: addMessages(rv.timeline, [m(5)], ME) }));
    rs.markReadIfReading();
    expect(socket.read.mock.calls).toEqual([[7, 3]]);
    expect(unreadOf(core.state.rooms[7], ME).unread).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.read.mock.calls).toEqual([[7, 3], [7, 5]]);
  });

  it('uses REST when the socket is down and applies its answer', async () => {
    const { core, api, rs } = setup({ socketOpen: false });
    core.set({ activeRoomId: 7 });
    rs.markReadIfReading();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.markRead).toHaveBeenCalledWith(7, 3);
    expect(core.state.rooms[7].read).toEqual({ lastRead: 3, unread: 0, mentions: 0, high: 3 });
  });

  it('sends its read again when the server lists the room behind it (a read lost with a connection)', async () => {
    const { core, socket, rs } = setup();
    core.set({ activeRoomId: 7 });
    rs.markReadIfReading();
    expect(socket.read.mock.calls).toEqual([[7, 3]]);
    rs.applyRoom({ ...room7, last_read: 1, unread: 2, mentions: 0, last_message: m(3) });
    expect(core.state.rooms[7].read?.lastRead).toBe(3); // the stale base is not taken
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.read.mock.calls).toEqual([[7, 3], [7, 3]]);
    rs.applyRoom({ ...room7, last_read: 3, unread: 0, mentions: 0, last_message: m(3) });
    await vi.advanceTimersByTimeAsync(2000);
    expect(socket.read).toHaveBeenCalledTimes(2);
  });

  it('takes read_state frames of other tabs, never moving back', () => {
    const { core, rs } = setup();
    rs.applyReadState({ room: 7, last_read: 2, unread: 1, mentions: 0 });
    expect(unreadOf(core.state.rooms[7], ME).unread).toBe(1);
    rs.applyReadState({ room: 7, last_read: 1, unread: 2, mentions: 0 });
    expect(core.state.rooms[7].read?.lastRead).toBe(2);
    rs.applyRoom({ ...room7, last_read: 3, unread: 0, mentions: 0, last_message: m(3) });
    expect(unreadOf(core.state.rooms[7], ME).unread).toBe(0);
  });
});
