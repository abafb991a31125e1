import { describe, expect, it } from 'vitest';
import type { Api } from '../net/api';
import type { Room } from '../protocol/types';
import { FakeChatApi } from '../testing/fakeChatApi';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { MessageChanges, positionOf, tombstone } from './messageChanges';
import { unreadOf } from './serverReadState';
import { addMessages, findMessage } from './timeline';

const ann = { id: 1, username: 'ann' };
const bo = { id: 2, username: 'bo' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

function setup() {
  const api = new FakeChatApi(ann.id);
  const msgs = [api.post(bo, 'hello @ann', { mentions: [1] }), api.post(ann, 'hi bo'), api.post(bo, 'how are you?'), api.post(ann, 'fine')];
  const core = new ChatStateCore();
  const rv = newRoomView(room7);
  core.set({ user: { ...ann, role: 'user' }, rooms: { 7: { ...rv, cursor: 4, timeline: addMessages(rv.timeline, msgs, ann.id), read: { lastRead: 0, unread: 2, mentions: 1, high: 4 } } } });
  const changes = new MessageChanges(core, api as unknown as Api);
  const held = (id: number) => findMessage(core.state.rooms[7].timeline, id)!;
  return { api, core, changes, held };
}

describe('MessageChanges', () => {
  it('replaces a held message only by a newer state, and moves the cursor to its rev', () => {
    const { api, core, changes, held } = setup();
    const v1 = api.change(3, (m) => ({ ...m, body: 'how are you??' }));
    const v2 = api.change(3, (m) => ({ ...m, body: 'how are you, ann?' }));
    changes.apply(7, [v2]);
    changes.apply(7, [v1]); // an older state arriving late
    expect(held(3).body).toBe('how are you, ann?');
    expect(core.state.rooms[7].cursor).toBe(6);
  });

  it('leaves out changes to messages not held, but counts their position as seen', () => {
    const { core, changes } = setup();
    const old = { id: 0.5 as number, room: 7, from: bo, body: 'x', ts: 'x', rev: 9 };
    changes.apply(7, [old]);
    expect(core.state.rooms[7].timeline.messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(core.state.rooms[7].cursor).toBe(9);
  });

  it('takes a live deletion of a counted message off the badges', () => {
    const { api, core, changes } = setup();
    changes.apply(7, [api.change(1, (m) => tombstone(m))], { live: true });
    expect(unreadOf(core.state.rooms[7], ann.id)).toEqual({ unread: 1, mentions: 0 });
  });

  it('edits the user’s message and closes the editor; an unchanged body is no edit', async () => {
    const { api, core, changes, held } = setup();
    changes.startEdit(7, 2);
    await changes.edit(7, 2, 'hi bo');
    expect(api.calls).not.toContain('edit 2');
    expect(core.state.editing).toBeNull();
    changes.startEdit(7, 2);
    await changes.edit(7, 2, 'hi bo!');
    expect(held(2)).toMatchObject({ body: 'hi bo!', edited_at: expect.any(String) });
    expect(core.state.editing).toBeNull();
    // A REST answer does not move the cursor: its live event is still to come.
    expect(core.state.rooms[7].cursor).toBe(4);
  });

  it('keeps the editor open when the server refuses an edit', async () => {
    const { api, core, changes } = setup();
    changes.startEdit(7, 2);
    api.failNext.set('edit', new Error('forbidden'));
    await expect(changes.edit(7, 2, 'nope')).rejects.toThrow('forbidden');
    expect(core.state.editing).toEqual({ room: 7, id: 2 });
  });

  it('shows a deletion at once as a tombstone that keeps id, author and time', async () => {
    const { changes, held } = setup();
    await changes.remove(7, 1);
    expect(held(1)).toEqual({ id: 1, room: 7, from: bo, body: '', ts: held(1).ts, rev: 1, deleted: true });
  });

  it('finds the user’s last message for the Up arrow, in the room or in a thread', () => {
    const { api, core, changes } = setup();
    expect(changes.editLast(7)).toBe(true);
    expect(core.state.editing).toEqual({ room: 7, id: 4 });
    const reply = api.post(ann, 'in the thread', { reply_to: 3 });
    core.updateRoom(7, (rv) => ({ ...rv, timeline: addMessages(rv.timeline, [reply], ann.id) }));
    expect(changes.editLast(7)).toBe(true);
    expect(core.state.editing?.id).toBe(4); // replies are not the room's own messages
    expect(changes.editLast(7, 3)).toBe(true);
    expect(core.state.editing?.id).toBe(reply.id);
    expect(changes.editLast(7, 1)).toBe(false);
    changes.cancelEdit();
    expect(core.state.editing).toBeNull();
  });

  it('knows the largest position among messages', () => {
    expect(positionOf([])).toBe(0);
    expect(positionOf([{ id: 4, room: 7, from: bo, body: '', ts: '', rev: 11 }, { id: 12, room: 7, from: bo, body: '', ts: '' }])).toBe(12);
  });
});
