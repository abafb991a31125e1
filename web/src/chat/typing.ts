// Who is typing where: another user's indicator shows for a few seconds after their last typing
// frame (their message ends it at once); this user's typing is sent at most every few seconds.

import type { ChatSocket } from '../net/chatSocket';
import type { ChatStateCore } from './chatStateCore';

const TYPING_SHOW_MS = 6000;
const TYPING_SEND_EVERY_MS = 3000;
const SWEEP_EVERY_MS = 1000;

export class Typing {
  private readonly lastSent = new Map<number, number>();
  private sweepTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly core: ChatStateCore,
    private readonly socket: ChatSocket,
    private readonly now: () => number,
  ) {}

  /** The user typed in a room. */
  typed(roomId: number): void {
    const last = this.lastSent.get(roomId) ?? 0;
    if (this.now() - last < TYPING_SEND_EVERY_MS) return;
    this.lastSent.set(roomId, this.now());
    this.socket.typing(roomId);
  }

  /** The user sent a message: the next keystroke announces typing again at once. */
  sent(roomId: number): void {
    this.lastSent.delete(roomId);
  }

  /** Someone is typing (a typing frame); the user's own frames from other tabs are ignored. */
  othersTyping(roomId: number, user: { id: number; username: string }): void {
    if (user.id === this.core.state.user?.id) return;
    this.core.updateRoom(roomId, (rv) => ({
      ...rv,
      typing: { ...rv.typing, [user.id]: { username: user.username, until: this.now() + TYPING_SHOW_MS } },
    }));
    this.ensureSweep();
  }

  /** A message ends its author's typing indicator. */
  messageFrom(roomId: number, userId: number): void {
    this.core.updateRoom(roomId, (rv) => {
      if (!rv.typing[userId]) return rv;
      const typing = { ...rv.typing };
      delete typing[userId];
      return { ...rv, typing };
    });
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** Removes indicators that ran out, once a second while any is shown. */
  private ensureSweep(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      const now = this.now();
      let any = false;
      let changed = false;
      const rooms = { ...this.core.state.rooms };
      for (const [id, rv] of Object.entries(rooms)) {
        const entries = Object.entries(rv.typing);
        if (!entries.length) continue;
        const alive = entries.filter(([, t]) => t.until > now);
        any ||= alive.length > 0;
        if (alive.length !== entries.length) {
          rooms[Number(id)] = { ...rv, typing: Object.fromEntries(alive) };
          changed = true;
        }
      }
      if (changed) this.core.set({ rooms });
      if (!any && this.sweepTimer) {
        clearInterval(this.sweepTimer);
        this.sweepTimer = null;
      }
    }, SWEEP_EVERY_MS);
  }
}
