import { describe, expect, it } from 'vitest';
import type { Message, Room } from '../protocol/types';
import { newRoomView } from './chatState';
import { lastMessageOf } from './lastMessage';
import { addMessages } from './timeline';

const m = (id: number, extra: Partial<Message> = {}): Message => ({ id, room: 7, from: { id: 2, username: 'bo' }, body: `m${id}`, ts: 'x', ...extra });
const room = (last_message?: Message | null): Room => ({ id: 7, name: 'g', private: false, owner_id: 1, created_at: 'x', member_count: 2, joined: true, last_message });

describe('lastMessageOf', () => {
  it('takes the newest message that is not deleted, held or listed', () => {
    const rv = newRoomView(room(m(5)));
    expect(lastMessageOf(rv)?.id).toBe(5);
    const held = { ...rv, timeline: addMessages(rv.timeline, [m(5, { body: 'edited', rev: 9 }), m(6), m(7, { deleted: true, body: '' })], 1) };
    expect(lastMessageOf(held)?.id).toBe(6);
    expect(lastMessageOf({ ...held, timeline: addMessages(rv.timeline, [m(5, { body: 'edited', rev: 9 })], 1) })?.body).toBe('edited');
    expect(lastMessageOf({ ...held, timeline: addMessages(rv.timeline, [m(3), m(5, { deleted: true, rev: 9 })], 1) })?.id).toBe(3);
    expect(lastMessageOf(newRoomView(room(null)))).toBeUndefined();
  });
});
