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
  return { api, core, search: new Search(core, api as unknown as Api, history) };
}

describe('Search.jumpTo', () => {
  it('pages the history back with before until the message is held, then marks it', async () => {
    const { api, core, search } = setup(180);
    const target = api.messages[9]; // far older than the newest page
    await search.jumpTo(7, target.id);
    const ids = core.state.rooms[7].timeline.messages.map((m) => m.id);
    expect(ids).toContain(target.id);
    expect(core.state.focus).toMatchObject({ room: 7, id: target.id });
    // The newest page, then older pages of 50 until the target: 4 pages for 180 messages.
    expect(ids.length).toBe(180);
  });

  it('stops at the beginning of the room when the message is not there', async () => {
    const { core, search } = setup(60);
    await search.jumpTo(7, 999_999);
    expect(core.state.rooms[7].hasOlder).toBe(false);
    expect(core.state.rooms[7].timeline.messages.length).toBe(60);
    expect(core.state.focus?.id).toBe(999_999);
  });
});
