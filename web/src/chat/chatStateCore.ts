// The store core: holds the current ChatState and tells subscribers of each change. Every chat
// module changes the state only through it, so React always reads one consistent snapshot.

import { initialChatState, type ChatState, type RoomView } from './chatState';

export class ChatStateCore {
  private state_: ChatState = initialChatState;
  private readonly listeners = new Set<() => void>();

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getState = (): ChatState => this.state_;

  get state(): ChatState {
    return this.state_;
  }

  set(patch: Partial<ChatState>): void {
    this.state_ = { ...this.state_, ...patch };
    this.listeners.forEach((fn) => fn());
  }

  /** Replaces a known room's view; an unknown room, or an unchanged view, changes nothing. */
  updateRoom(id: number, fn: (rv: RoomView) => RoomView): void {
    const rv = this.state_.rooms[id];
    if (!rv) return;
    const next = fn(rv);
    if (next === rv) return;
    this.set({ rooms: { ...this.state_.rooms, [id]: next } });
  }
}
