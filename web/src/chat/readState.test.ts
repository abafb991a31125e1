import { describe, expect, it } from 'vitest';
import type { Message, Room } from '../protocol/types';
import { MemoryStorage } from '../testing/memoryStorage';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { countUnread, ReadState } from './readState';
import { addMessages } from './timeline';

const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

function m(id: number, from = 2): Message {
  return { id, room: 7, from: { id: from, username: from === 1 ? 'ann' : 'bo' }, body: `m${id}`, ts: 'x' };
}

function setup(visible = true) {
  const storage = new MemoryStorage();
  const core = new ChatStateCore();
  const rv = newRoomView(room7, 0);
  core.set({ user: { id: 1, username: 'ann', role: 'user' }, rooms: { 7: { ...rv, timeline: addMessages(rv.timeline, [m(1), m(2)], 1), unread: 2 } } });
  return { storage, core, read: new ReadState(core, storage, () => visible) };
}

describe('ReadState', () => {
  it('counts messages from others newer than the mark as unread', () => {
    expect(countUnread([m(4), m(5), m(6, 1), m(3)], 3, 1)).toBe(2);
  });

  it('marks only the active room read, and only while the page is visible', () => {
    const { core, read } = setup();
    read.markReadIfVisible(7);
    expect(core.state.rooms[7].unread).toBe(2); // not the active room
    core.set({ activeRoomId: 7 });
    const hidden = setup(false);
    hidden.core.set({ activeRoomId: 7 });
    hidden.read.markReadIfVisible();
    expect(hidden.core.state.rooms[7].unread).toBe(2);
    read.markReadIfVisible();
    expect(core.state.rooms[7]).toMatchObject({ unread: 0, lastRead: 2 });
  });

  it("keeps the marks per user in storage, never moving one back", () => {
    const { core, read, storage } = setup();
    core.set({ activeRoomId: 7 });
    read.markReadIfVisible();
    expect(read.marks()).toEqual({ 7: 2 });
    expect(JSON.parse(storage.getItem('parley.lastRead.1')!)).toEqual({ 7: 2 });
    storage.setItem('parley.lastRead.1', JSON.stringify({ 7: 9 }));
    core.updateRoom(7, (rv) => ({ ...rv, unread: 1 }));
    read.markReadIfVisible();
    expect(read.marks()).toEqual({ 7: 9 });
    core.set({ user: { id: 2, username: 'bo', role: 'user' } });
    expect(read.marks()).toEqual({});
    storage.setItem('parley.lastRead.2', 'not json');
    expect(read.marks()).toEqual({});
  });
});
