import { describe, expect, it } from 'vitest';
import type { Api } from '../net/api';
import type { Room } from '../protocol/types';
import { FakeChatApi } from '../testing/fakeChatApi';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { Notices } from './notices';
import { RoomHistory } from './roomHistory';
import { Search } from './search';
import type { ServerReadState } from './serverReadState';
import { contiguousPart } from './timeline';
import type { UnsentMessages } from './unsentMessages';

const ann = { id: 1, username: 'ann' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 1, created_at: 'x', member_count: 1, joined: true };

function setup(count: number) {
  const api = new FakeChatApi(ann.id);
  for (let i = 1; i <= count; i++) api.post(ann, `message ${i}`);
  const core = new ChatStateCore();
  core.set({ user: { ...ann, role: 'user' }, rooms: { 7: newRoomView(room7) } });
  const readState = { markReadIfReading: () => undefined } as unknown as ServerReadState;
  const unsent = { stored: () => undefined } as unknown as UnsentMessages;
  const history = new RoomHistory(core, api as unknown as Api, readState, unsent, new Notices(core));
  const ids = () => core.state.rooms[7].timeline.messages.map((m) => m.id);
  return { api, core, history, ids, search: new Search(core, api as unknown as Api, history) };
}

/** Pages newer until the gap closes (bounded), as scrolling down does. */
async function pageToLatest(history: RoomHistory, core: ChatStateCore) {
  for (let i = 0; i < 20 && core.state.rooms[7].gapAfter !== null; i++) await history.loadNewer(7);
}

describe('Search.jumpTo', () => {
  it('loads the message with its neighbours (around), leaving a gap up to the newest', async () => {
    const { api, core, history, ids, search } = setup(300);
    await history.loadNewest(7);
    const target = api.messages[9];
    await search.jumpTo(7, target.id);
    expect(api.calls).toEqual(['before -', `around ${target.id}`]);
    const rv = core.state.rooms[7];
    expect(core.state.focus).toMatchObject({ room: 7, id: target.id });
    // The window: ids 1..50 (the room's start fills in from the newer side), the newest page kept above a gap.
    expect(rv.gapAfter).toBe(50);
    expect(rv.hasOlder).toBe(false);
    expect(contiguousPart(rv.timeline.messages, rv.gapAfter).map((m) => m.id)).toEqual(api.messages.slice(0, 50).map((m) => m.id));
    expect(ids().length).toBe(100);
  });

  it('pages newer with after until it meets the messages held, live ones included: no gap, no duplicate', async () => {
    const { api, core, history, ids, search } = setup(300);
    await history.loadNewest(7);
    await search.jumpTo(7, api.messages[120].id);
    expect(core.state.rooms[7].gapAfter).toBe(146);
    // Live messages arrive while the window is far back.
    history.receive(7, [api.post(ann, 'live 1'), api.post(ann, 'live 2')]);
    const cursorBefore = core.state.rooms[7].cursor;
    await pageToLatest(history, core);
    expect(core.state.rooms[7].gapAfter).toBeNull();
    const all = api.messages.slice(96).map((m) => m.id);
    expect(ids()).toEqual(all);
    expect(api.calls.filter((c) => c.startsWith('after'))).toEqual(['after 146', 'after 196', 'after 246']);
    expect(core.state.rooms[7].cursor).toBeGreaterThanOrEqual(cursorBefore);
  });

  it('without anything held, pages newer to the room end', async () => {
    const { api, core, history, ids, search } = setup(130);
    await search.jumpTo(7, api.messages[20].id);
    expect(core.state.rooms[7].cursor).toBe(0); // a window far back does not move the catch-up cursor
    await pageToLatest(history, core);
    expect(core.state.rooms[7].gapAfter).toBeNull();
    expect(ids()).toEqual(api.messages.map((m) => m.id));
    expect(core.state.rooms[7].cursor).toBe(130);
  });

  it('a message near the newest needs no gap', async () => {
    const { api, core, search } = setup(300);
    await search.jumpTo(7, api.messages[290].id);
    expect(core.state.rooms[7].gapAfter).toBeNull();
    expect(core.state.rooms[7].timeline.messages.length).toBe(50);
  });

  it('a message already shown is only focused', async () => {
    const { api, core, history, search } = setup(80);
    await history.loadNewest(7);
    await search.jumpTo(7, api.messages[70].id);
    expect(api.calls).toEqual(['before -']);
    expect(core.state.focus?.id).toBe(api.messages[70].id);
  });

  it('drops an older page asked for before the jump, so the window stays contiguous', async () => {
    const { api, core, history, ids, search } = setup(300);
    await history.loadNewest(7);
    const older = history.loadOlder(7); // in flight while the jump replaces the timeline
    await search.jumpTo(7, api.messages[9].id);
    await older;
    expect(core.state.rooms[7].loadingOlder).toBe(false);
    // Only the window (1..50) and the newest page (251..300): the page before 251 was dropped.
    expect(ids()).toEqual([...api.messages.slice(0, 50), ...api.messages.slice(250)].map((m) => m.id));
  });

  it('showLatest leaves the window for the newest page', async () => {
    const { api, core, history, ids, search } = setup(300);
    await search.jumpTo(7, api.messages[9].id);
    await history.showLatest(7);
    expect(core.state.rooms[7].gapAfter).toBeNull();
    expect(ids()).toEqual(api.messages.slice(250).map((m) => m.id));
    expect(core.state.rooms[7].hasOlder).toBe(true);
  });

  it('a message that is not there leaves a notice and the timeline as it was', async () => {
    const { core, history, search } = setup(60);
    await history.loadNewest(7);
    await search.jumpTo(7, 999_999);
    expect(core.state.rooms[7].timeline.messages.length).toBe(50);
    expect(core.state.rooms[7].loadingOlder).toBe(false);
    expect(core.state.notices.length).toBe(1);
  });

  it('an open room whose window failed to load shows its newest messages instead', async () => {
    const { api, core, search } = setup(60);
    core.set({ activeRoomId: 7 });
    await search.jumpTo(7, 999_999);
    // The newest page is asked for after the failure; the fake answers within a few microtasks.
    for (let i = 0; i < 100 && !core.state.rooms[7].historyLoaded; i++) await Promise.resolve();
    expect(api.calls).toEqual(['around 999999', 'before -']);
    expect(core.state.rooms[7].historyLoaded).toBe(true);
    expect(core.state.rooms[7].timeline.messages.length).toBe(50);
  });
});
