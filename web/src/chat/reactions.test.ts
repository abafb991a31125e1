import { describe, expect, it } from 'vitest';
import type { Api } from '../net/api';
import type { Room } from '../protocol/types';
import { FakeChatApi } from '../testing/fakeChatApi';
import { MemoryStorage } from '../testing/memoryStorage';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { MessageChanges } from './messageChanges';
import { Notices } from './notices';
import { hasReacted, isValidEmoji, Reactions, RecentEmoji, roomForReaction, RECENT_EMOJI } from './reactions';
import { addMessages, findMessage } from './timeline';

const ann = { id: 1, username: 'ann' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

function setup() {
  const api = new FakeChatApi(ann.id);
  const msg = api.post({ id: 2, username: 'bo' }, 'ship it?');
  const core = new ChatStateCore();
  const rv = newRoomView(room7);
  core.set({ user: { ...ann, role: 'user' }, rooms: { 7: { ...rv, timeline: addMessages(rv.timeline, [msg], 1) } } });
  const storage = new MemoryStorage();
  const notices = new Notices(core);
  const reactions = new Reactions(core, api as unknown as Api, new MessageChanges(core, api as unknown as Api), notices, storage);
  return { api, core, reactions, storage, held: () => findMessage(core.state.rooms[7].timeline, msg.id)! };
}

describe('Reactions', () => {
  it('toggles the user’s reaction: on, then off again', async () => {
    const { api, reactions, held } = setup();
    await reactions.toggle(7, 1, '👍');
    expect(held().reactions).toEqual([{ emoji: '👍', count: 1, users: [1] }]);
    expect(hasReacted(held(), '👍', 1)).toBe(true);
    await reactions.toggle(7, 1, '👍');
    expect(held().reactions).toEqual([]);
    expect(api.calls).toEqual(['react 1 👍 true', 'react 1 👍 false']);
  });

  it('keeps the recent emoji per user, newest first, without repeats', async () => {
    const { reactions, storage } = setup();
    await reactions.toggle(7, 1, '🎉');
    await reactions.toggle(7, 1, '👍');
    await reactions.toggle(7, 1, '🎉'); // taking one back is not a use
    await reactions.toggle(7, 1, '🎉'); // using it again moves it to the front
    expect(reactions.recent.list()).toEqual(['🎉', '👍']);
    expect(JSON.parse(storage.getItem('parley.recentEmoji.1')!)).toEqual(['🎉', '👍']);
    const other = new RecentEmoji(storage, () => 2);
    expect(other.list()).toEqual([]);
    for (let i = 0; i < 20; i++) other.used(String.fromCodePoint(0x1f600 + i));
    expect(other.list()).toHaveLength(RECENT_EMOJI);
    storage.setItem('parley.recentEmoji.3', '{"no": "list"}');
    expect(new RecentEmoji(storage, () => 3).list()).toEqual([]);
  });

  it('refuses a 21st distinct emoji before asking the server', async () => {
    const { api, core, reactions, held } = setup();
    const full = Array.from({ length: 20 }, (_, i) => ({ emoji: String.fromCodePoint(0x1f600 + i), count: 1, users: [2] }));
    core.updateRoom(7, (rv) => ({ ...rv, timeline: { ...rv.timeline, messages: [{ ...held(), reactions: full }] } }));
    expect(roomForReaction(held(), '🚀')).toBe(false);
    expect(roomForReaction(held(), full[0].emoji)).toBe(true);
    await reactions.toggle(7, 1, '🚀');
    expect(api.calls).toEqual([]);
    expect(core.state.notices.map((n) => n.code)).toEqual(['too_many_reactions']);
  });

  it('follows the contract’s emoji rule', () => {
    expect(['👍', '🇪🇸', ':ship-it:', '👩‍💻'].every(isValidEmoji)).toBe(true);
    expect(['', ' ', 'a b', '\u0007', 'x'.repeat(33)].some(isValidEmoji)).toBe(false);
  });

  it('shows why a reaction failed and changes nothing', async () => {
    const { api, core, reactions, held } = setup();
    api.failNext.set('react', Object.assign(new Error('gone'), {}));
    await reactions.toggle(7, 1, '👍');
    expect(held().reactions).toBeUndefined();
    expect(core.state.notices).toHaveLength(1);
  });
});
