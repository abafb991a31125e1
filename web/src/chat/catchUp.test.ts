import { describe, expect, it } from 'vitest';
import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { Message, Room } from '../protocol/types';
import { FakeChatApi } from '../testing/fakeChatApi';
import { CatchUp } from './catchUp';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { MessageChanges } from './messageChanges';
import { Notices } from './notices';
import { RoomHistory } from './roomHistory';
import { ServerReadState } from './serverReadState';
import { addMessages, findMessage } from './timeline';
import type { UnsentMessages } from './unsentMessages';

const bo = { id: 2, username: 'bo' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

/** A client holding the room's first `held` messages of `total`, and the modules of catch-up. */
function setup(total: number, held: number) {
  const api = new FakeChatApi(1);
  for (let i = 1; i <= total; i++) api.post(bo, `m${i}`);
  const core = new ChatStateCore();
  const rv = newRoomView(room7);
  const have = api.messages.slice(0, held);
  core.set({ user: { id: 1, username: 'ann', role: 'user' }, rooms: { 7: { ...rv, historyLoaded: true, cursor: held, timeline: addMessages(rv.timeline, have, 1) } } });
  const a = api as unknown as Api;
  const readState = new ServerReadState(core, { read: () => true } as unknown as ChatSocket, a, () => false, () => 0);
  const notices = new Notices(core);
  const history = new RoomHistory(core, a, readState, { stored: () => undefined } as unknown as UnsentMessages, notices);
  const changes = new MessageChanges(core, a);
  const catchUp = new CatchUp(core, a, history, changes, readState, notices);
  const flush = async () => {
    for (let i = 0; i < 50; i++) await Promise.resolve();
  };
  return { api, core, history, catchUp, flush, rv: () => core.state.rooms[7] };
}

const ids = (msgs: readonly Message[]) => msgs.map((m) => m.id);

describe('CatchUp', () => {
  it('joins with since = the cursor, the largest id or rev seen', () => {
    const { catchUp, core } = setup(3, 3);
    expect(catchUp.since(7)).toBe(3);
    core.updateRoom(7, (rv) => ({ ...rv, cursor: 0 }));
    expect(catchUp.since(7)).toBeUndefined();
  });

  it('pages on with after from the last missed message, even while live ones arrive', async () => {
    const { api, catchUp, history, flush, rv } = setup(1200, 100);
    const missed = api.messages.slice(100, 600);
    catchUp.joined(7, missed, true, [], false);
    // A live message lands before the first page: it must not move where the paging goes on.
    history.receive(7, [api.post(bo, 'live')]);
    expect(catchUp.since(7)).toBe(600);
    await flush();
    expect(api.calls.filter((c) => c.startsWith('after'))).toEqual(['after 600', 'after 700', 'after 800', 'after 900', 'after 1000', 'after 1100', 'after 1200']);
    expect(ids(rv().timeline.messages)).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
    expect(catchUp.since(7)).toBe(1201);
  });

  it('applies joined.changed and pages on with the changes endpoint', async () => {
    const { api, catchUp, flush, rv } = setup(600, 600);
    // While away: a reaction on each of the 600 messages, then an edit of 5 and a deletion of 6.
    for (let id = 1; id <= 600; id++) api.change(id, (m) => ({ ...m, reactions: [{ emoji: '👍', count: 1, users: [2] }] }));
    api.change(5, (m) => ({ ...m, body: 'edited while away' }));
    api.change(6, (m) => ({ id: m.id, room: 7, from: m.from, ts: m.ts, body: '', deleted: true }));
    const changed = (await api.changes(7, 600, 500)).messages;
    api.calls.length = 0;
    catchUp.joined(7, [], false, changed, true);
    const last = changed[499].rev!;
    expect(catchUp.since(7)).toBe(last);
    await flush();
    expect(api.calls).toEqual([`changes ${last}`]);
    expect(rv().timeline.messages.every((m) => m.deleted || m.reactions?.[0].emoji === '👍')).toBe(true);
    expect(findMessage(rv().timeline, 5)?.body).toBe('edited while away');
    expect(findMessage(rv().timeline, 6)?.deleted).toBe(true);
    expect(catchUp.since(7)).toBe(api.position);
  });

  it('keeps the gap open when a page fails, so the next join asks from its start', async () => {
    const { api, catchUp, flush } = setup(700, 10);
    api.failNext.set('after', new Error('offline'));
    catchUp.joined(7, api.messages.slice(10, 510), true, [], false);
    await flush();
    expect(catchUp.since(7)).toBe(510);
  });

  it('starts over from the newest page when too far behind', async () => {
    const { api, core, catchUp, flush, rv } = setup(2000, 10);
    api.rooms_ = [{ ...room7, last_read: 0, unread: 2000, mentions: 0, last_message: api.messages[1999] }];
    core.set({ activeRoomId: 7 });
    catchUp.joined(7, api.messages.slice(10, 510), true, [], false);
    await flush();
    expect(api.calls.filter((c) => c.startsWith('after'))).toHaveLength(10);
    expect(api.calls.slice(-2)).toEqual(['room 7', 'before -']);
    expect(rv().timeline.messages[0].id).toBe(1951);
    expect(rv().read?.unread).toBe(2000);
    expect(catchUp.since(7)).toBe(2000);
  });
});
