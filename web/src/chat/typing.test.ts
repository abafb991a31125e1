import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatSocket } from '../net/chatSocket';
import type { Room } from '../protocol/types';
import { newRoomView } from './chatState';
import { ChatStateCore } from './chatStateCore';
import { Typing } from './typing';

const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };
const bo = { id: 2, username: 'bo' };

function setup() {
  const core = new ChatStateCore();
  core.set({ user: { id: 1, username: 'ann', role: 'user' }, rooms: { 7: newRoomView(room7) } });
  const socket = { typing: vi.fn() };
  const typing = new Typing(core, socket as unknown as ChatSocket, () => Date.now());
  const shown = () => Object.values(core.state.rooms[7].typing).map((x) => x.username);
  return { core, socket, typing, shown };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Typing', () => {
  it('sends the user typing at most every 3 s per room, and again at once after a send', () => {
    const { socket, typing } = setup();
    typing.typed(7);
    typing.typed(7);
    vi.advanceTimersByTime(2999);
    typing.typed(7);
    expect(socket.typing).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    typing.typed(7);
    expect(socket.typing).toHaveBeenCalledTimes(2);
    typing.sent(7);
    typing.typed(7);
    expect(socket.typing).toHaveBeenCalledTimes(3);
  });

  it("shows another user's indicator for 6 s after their last frame, and not the user's own", () => {
    const { typing, shown } = setup();
    typing.othersTyping(7, { id: 1, username: 'ann' });
    expect(shown()).toEqual([]);
    typing.othersTyping(7, bo);
    expect(shown()).toEqual(['bo']);
    vi.advanceTimersByTime(4000);
    typing.othersTyping(7, bo);
    vi.advanceTimersByTime(5000);
    expect(shown()).toEqual(['bo']);
    vi.advanceTimersByTime(2000);
    expect(shown()).toEqual([]);
    typing.stop();
  });

  it("ends an indicator with the author's message", () => {
    const { typing, shown } = setup();
    typing.othersTyping(7, bo);
    typing.messageFrom(7, 3);
    expect(shown()).toEqual(['bo']);
    typing.messageFrom(7, 2);
    expect(shown()).toEqual([]);
    typing.stop();
  });
});
