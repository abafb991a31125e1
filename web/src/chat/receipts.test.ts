import { describe, expect, it } from 'vitest';
import type { Api } from '../net/api';
import type { Member, Message, Room } from '../protocol/types';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { applyReceipt, Receipts, seenBy, showsReceipts } from './receipts';
import { RoomMembers, userNames } from './roomMembers';
import { addMessages } from './timeline';

const room7: Room = { id: 7, name: 'team', private: true, owner_id: 1, created_at: 'x', member_count: 3, joined: true };
const members: Member[] = [
  { id: 1, username: 'ann', role: 'owner', online: true, last_read: 10 },
  { id: 2, username: 'bo', role: 'member', online: true, last_read: 8 },
  { id: 3, username: 'cy', role: 'member', online: false, last_read: 0 },
];
const msg = (id: number, from = 1): Message => ({ id, room: 7, from: { id: from, username: ['', 'ann', 'bo', 'cy'][from] }, body: 'x', ts: 'x' });

describe('receipts', () => {
  it('moves a member’s read position only forward, adding someone new', () => {
    expect(applyReceipt(members, { id: 2, username: 'bo' }, 9)[1].last_read).toBe(9);
    expect(applyReceipt(members, { id: 2, username: 'bo' }, 7)).toBe(members);
    expect(applyReceipt(members, { id: 4, username: 'di' }, 5).map((m) => m.username)).toEqual(['ann', 'bo', 'cy', 'di']);
  });

  it('lists who besides the user and the author has read up to a message', () => {
    const rv = { ...newRoomView(room7), members };
    expect(seenBy(rv, msg(8), 1).map((m) => m.username)).toEqual(['bo']);
    expect(seenBy(rv, msg(9), 1)).toEqual([]);
    expect(seenBy(rv, msg(8, 2), 3).map((m) => m.username)).toEqual(['ann']);
    expect(showsReceipts(rv)).toBe(true);
    expect(showsReceipts({ ...rv, room: { ...room7, member_count: 11 } })).toBe(false);
  });

  it('applies receipt frames once the members are known', () => {
    const core = new ChatStateCore();
    core.set({ rooms: { 7: newRoomView(room7) } });
    const receipts = new Receipts(core);
    receipts.receipt(7, { id: 2, username: 'bo' }, 12);
    expect(core.state.rooms[7].members).toBeNull();
    core.updateRoom(7, (rv) => ({ ...rv, members }));
    receipts.receipt(7, { id: 3, username: 'cy' }, 12);
    expect(core.state.rooms[7].members?.[2].last_read).toBe(12);
  });
});

describe('RoomMembers', () => {
  it('fetches the members and again when the list is out of date', async () => {
    const core = new ChatStateCore();
    core.set({ rooms: { 7: newRoomView(room7) } });
    let calls = 0;
    const api = { members: async () => (calls++, members.slice(0, 2)) };
    const rm = new RoomMembers(core, api as unknown as Api);
    await rm.load(7);
    expect(core.state.rooms[7].members?.map((m) => m.username)).toEqual(['ann', 'bo']);
    rm.refreshIfStale(7); // the room has 3 members, the list 2
    await Promise.resolve();
    expect(calls).toBe(2);
    await rm.load(8); // unknown room
    expect(calls).toBe(2);
  });

  it('names users by id from the members and the senders held', () => {
    const names = userNames(members.slice(0, 1), addMessages(newRoomView(room7).timeline, [msg(1, 2), msg(2, 3)], 1).messages);
    expect([...names.entries()].sort()).toEqual([
      [1, 'ann'],
      [2, 'bo'],
      [3, 'cy'],
    ]);
  });
});
