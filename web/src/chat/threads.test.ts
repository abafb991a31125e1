import { describe, expect, it } from 'vitest';
import type { Api } from '../net/api';
import type { Room } from '../protocol/types';
import { FakeChatApi } from '../testing/fakeChatApi';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { MessageChanges } from './messageChanges';
import { Notices } from './notices';
import { threadParent, threadReplies, Threads } from './threads';
import { addMessages, addPending } from './timeline';

const ann = { id: 1, username: 'ann' };
const bo = { id: 2, username: 'bo' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

function setup() {
  const api = new FakeChatApi(ann.id);
  const parent = api.post(bo, 'who is on call?');
  // 150 replies, older than the history the room holds (it holds only the parent).
  for (let i = 1; i <= 150; i++) api.post(i % 2 ? ann : bo, `reply ${i}`, { reply_to: parent.id });
  const core = new ChatStateCore();
  const rv = newRoomView(room7);
  core.set({ user: { ...ann, role: 'user' }, rooms: { 7: { ...rv, timeline: addMessages(rv.timeline, [api.messages[0]], 1) } } });
  const threads = new Threads(core, api as unknown as Api, new Notices(core));
  return { api, core, threads, parentId: parent.id, rv: () => core.state.rooms[7] };
}

describe('Threads', () => {
  it('opens a thread and pages through its replies with after', async () => {
    const { api, threads, parentId, rv } = setup();
    await threads.open(7, parentId);
    expect(rv().openThread).toBe(parentId);
    expect(api.calls).toEqual([`replies ${parentId} -`, `replies ${parentId} 200`]); // each reply also drew a rev for the parent
    const { messages } = threadReplies(rv(), parentId);
    expect(messages.map((m) => m.body)).toEqual(Array.from({ length: 150 }, (_, i) => `reply ${i + 1}`));
    expect(rv().threads[parentId].loading).toBe(false);
    expect(threadParent(rv(), parentId)?.reply_count).toBe(150);
    // The room's own timeline is untouched: the replies are older than its history.
    expect(rv().timeline.messages.map((m) => m.id)).toEqual([parentId]);
  });

  it('opening a reply opens its parent’s thread (one level deep)', async () => {
    const { api, core, threads, parentId, rv } = setup();
    const reply = api.messages[1];
    core.updateRoom(7, (r) => ({ ...r, timeline: addMessages(r.timeline, [reply], 1) }));
    await threads.open(7, reply.id);
    expect(rv().openThread).toBe(parentId);
    threads.close(7);
    expect(rv().openThread).toBeNull();
  });

  it('shows live replies and the user’s unsent ones with the fetched ones, and follows changes', async () => {
    const { api, core, threads, parentId, rv } = setup();
    await threads.open(7, parentId);
    const live = api.post(bo, 'live reply', { reply_to: parentId });
    const pending = { clientId: 'c-1', room: 7, body: 'mine, unsent', from: ann, createdAt: 'x', status: 'pending' as const, replyTo: parentId };
    core.updateRoom(7, (r) => ({ ...r, timeline: addPending(addMessages(r.timeline, [live], 1), pending) }));
    const shown = threadReplies(rv(), parentId);
    expect(shown.messages.at(-1)?.body).toBe('live reply');
    expect(shown.pending.map((p) => p.body)).toEqual(['mine, unsent']);
    // An edit of an old reply and the parent's new counters reach the panel.
    const changes = new MessageChanges(core, api as unknown as Api);
    changes.apply(7, [api.change(api.messages[1].id, (m) => ({ ...m, body: 'reply 1 (fixed)' })), api.messages[0]]);
    expect(threadReplies(rv(), parentId).messages[0].body).toBe('reply 1 (fixed)');
    expect(threadParent(rv(), parentId)?.reply_count).toBe(151);
  });

  it('keeps the panel usable when the replies cannot be fetched', async () => {
    const { api, core, threads, parentId, rv } = setup();
    api.failNext.set('replies', new Error('offline'));
    await threads.open(7, parentId);
    expect(rv().threads[parentId]).toMatchObject({ loading: false, replies: [] });
    expect(core.state.notices).toHaveLength(1);
    await threads.open(7, 999); // not held: nothing to open
    expect(rv().openThread).toBe(parentId);
  });
});
