// What the user has read: per room the last message id read, kept in localStorage per user so a
// reload keeps it, and the count of messages from others that arrived after it.

import type { Message } from '../protocol/types';
import type { KeyValueStorage } from '../storage/keyValueStorage';
import type { ChatStateCore } from './chatStateCore';
import { lastId } from './timeline';

/** How many of `msgs` are unread: from someone else and newer than `after`. */
export function countUnread(msgs: readonly Message[], after: number, me: number | null): number {
  return msgs.filter((m) => m.id > after && m.from.id !== me).length;
}

export class ReadState {
  constructor(
    private readonly core: ChatStateCore,
    private readonly storage: KeyValueStorage,
    private readonly isVisible: () => boolean,
  ) {}

  /** The stored read marks of the signed-in user: room id → last id read. */
  marks(): Record<number, number> {
    try {
      return JSON.parse(this.storage.getItem(this.key()) ?? '{}') as Record<number, number>;
    } catch {
      return {};
    }
  }

  /** Marks the active room read when the user can see it. */
  markReadIfVisible(roomId = this.core.state.activeRoomId): void {
    const state = this.core.state;
    if (roomId === null || roomId !== state.activeRoomId || !this.isVisible()) return;
    const rv = state.rooms[roomId];
    if (!rv) return;
    const last = lastId(rv.timeline) ?? rv.lastRead;
    if (rv.unread === 0 && !rv.unreadMore && last <= rv.lastRead) return;
    this.save(roomId, last);
    this.core.updateRoom(roomId, (r) => ({ ...r, unread: 0, unreadMore: false, lastRead: Math.max(r.lastRead, last) }));
  }

  private key(): string {
    return `parley.lastRead.${this.core.state.user?.id ?? 0}`;
  }

  private save(room: number, id: number): void {
    const marks = this.marks();
    if ((marks[room] ?? 0) >= id) return;
    marks[room] = id;
    this.storage.setItem(this.key(), JSON.stringify(marks));
  }
}
