// Read receipts: members' read positions (from the members list, then live `receipt` frames, which
// only move forward) and who has seen a message, shown in DMs and small rooms.

import type { Member, Message } from '../protocol/types';
import type { RoomView } from './chatState';
import type { ChatStateCore } from './chatStateCore';

/** Rooms up to this many members show "seen by". */
export const SEEN_BY_MAX_MEMBERS = 10;

/** A member's read position moved (positions never go back). */
export function applyReceipt(members: readonly Member[], user: { id: number; username: string }, lastRead: number): readonly Member[] {
  const i = members.findIndex((m) => m.id === user.id);
  if (i < 0) return [...members, { id: user.id, username: user.username, role: 'member', online: true, last_read: lastRead }];
  if ((members[i].last_read ?? 0) >= lastRead) return members;
  const next = members.slice();
  next[i] = { ...members[i], last_read: lastRead };
  return next;
}

/** Whether the room shows receipts: a DM or a room of at most SEEN_BY_MAX_MEMBERS. */
export function showsReceipts(rv: RoomView): boolean {
  return rv.room.member_count <= SEEN_BY_MAX_MEMBERS;
}

/** The members other than the user and the author who have read up to the message. */
export function seenBy(rv: RoomView, m: Message, me: number | null | undefined): Member[] {
  return (rv.members ?? []).filter((x) => x.id !== me && x.id !== m.from.id && (x.last_read ?? 0) >= m.id);
}

export class Receipts {
  constructor(private readonly core: ChatStateCore) {}

  /** A `receipt` frame; before the members are known it waits for their list. */
  receipt(roomId: number, user: { id: number; username: string }, lastRead: number): void {
    this.core.updateRoom(roomId, (rv) => {
      if (!rv.members) return rv;
      const members = applyReceipt(rv.members, user, lastRead);
      return members === rv.members ? rv : { ...rv, members };
    });
  }
}
