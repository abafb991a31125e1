// Unread and mention badges from the server's read state, identical on every device of the user.
// The server's counts (`Room.last_read/unread/mentions`, `read_state` frames) are a base covering
// the messages up to `high`; messages held above it are counted on top until the next base. Reading
// (the room open, its newest message in view, the page visible and focused) moves the position:
// at once locally, then with a `read` frame (REST when the socket is down), at most once a second.

import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { Message, ReadState, Room } from '../protocol/types';
import type { ReadBase, RoomView } from './chatState';
import type { ChatStateCore } from './chatStateCore';
import { mentionsUser } from './mentions';
import { indexOfFirstAbove, lastId } from './timeline';

const READ_EVERY_MS = 1000;

/** The base a Room carries (rooms list, `joined`, GET room): its counts cover up to `last_message`. */
export function baseFromRoom(room: Room): ReadBase | null {
  if (typeof room.last_read !== 'number') return null;
  return { lastRead: room.last_read, unread: room.unread ?? 0, mentions: room.mentions ?? 0, high: Math.max(room.last_read, room.last_message?.id ?? 0) };
}

/** A newer base wins; one behind the read position we have (a stale response) is ignored. */
export function acceptBase(current: ReadBase | null, next: ReadBase | null): ReadBase | null {
  if (!next) return current;
  if (current && next.lastRead < current.lastRead) return current;
  return next;
}

/** The room's badges: the base plus held messages above it from others, not deleted. */
export function unreadOf(rv: RoomView, me: number | null | undefined): { unread: number; mentions: number } {
  const base = rv.read;
  if (!base || !rv.room.joined) return { unread: 0, mentions: 0 };
  let { unread, mentions } = base;
  const msgs = rv.timeline.messages;
  for (let i = indexOfFirstAbove(msgs, Math.max(base.high, base.lastRead)); i < msgs.length; i++) {
    const m = msgs[i];
    if (m.deleted || m.from.id === me) continue;
    unread += 1;
    if (mentionsUser(m, me)) mentions += 1;
  }
  return { unread, mentions };
}

/**
 * A live change to a message the base counted (between the read position and `high`): a deletion
 * takes it off the counts, an edit that adds or drops a mention of the user moves the mentions.
 */
export function adjustBase(base: ReadBase | null, prev: Message | undefined, next: Message, me: number | null | undefined): ReadBase | null {
  if (!base || next.id <= base.lastRead || next.id > base.high || next.from.id === me) return base;
  if (prev?.deleted) return base;
  if (next.deleted) {
    const mentioned = prev ? mentionsUser(prev, me) : false;
    return { ...base, unread: Math.max(0, base.unread - 1), mentions: Math.max(0, base.mentions - (mentioned ? 1 : 0)) };
  }
  if (!prev) return base; // whether it mentioned the user before is unknown: the next base tells
  const delta = Number(mentionsUser(next, me)) - Number(mentionsUser(prev, me));
  return delta ? { ...base, mentions: Math.max(0, base.mentions + delta) } : base;
}

export class ServerReadState {
  private readonly atBottom = new Map<number, boolean>();
  private readonly lastSent = new Map<number, number>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly core: ChatStateCore,
    private readonly socket: ChatSocket,
    private readonly api: Api,
    /** Whether the user can see the page: visible and focused. */
    private readonly isReading: () => boolean,
    private readonly now: () => number,
  ) {}

  /** A Room from the server (rooms list, `joined`, GET room) with its read state. */
  applyRoom(room: Room): void {
    this.core.updateRoom(room.id, (rv) => this.withBase(rv, baseFromRoom(room)));
    this.resendIfBehind([room]);
  }

  /**
   * Rooms as the server lists them: where its read position is behind ours, a read of ours never
   * arrived (sent just before a connection dropped): it is sent again, so other devices catch up.
   */
  resendIfBehind(rooms: readonly Room[]): void {
    for (const room of rooms) {
      const mine = this.core.state.rooms[room.id]?.read?.lastRead ?? 0;
      if (typeof room.last_read === 'number' && room.last_read < mine) this.send(room.id);
    }
  }

  /** A `read_state` (this tab's read answered, or another tab or device of the user read). */
  applyReadState(rs: ReadState): void {
    this.core.updateRoom(rs.room, (rv) => {
      const high = Math.max(rs.last_read, lastId(rv.timeline) ?? 0);
      return this.withBase(rv, { lastRead: rs.last_read, unread: rs.unread, mentions: rs.mentions, high });
    });
  }

  /** Where the message list is: reading happens only with its newest message in view. */
  setAtBottom(roomId: number, atBottom: boolean): void {
    this.atBottom.set(roomId, atBottom);
    if (atBottom) this.markReadIfReading(roomId);
  }

  /** Moves the read position to the newest message held when the user is reading the room. */
  markReadIfReading(roomId = this.core.state.activeRoomId): void {
    const state = this.core.state;
    if (roomId === null || roomId !== state.activeRoomId || !this.isReading()) return;
    if (this.atBottom.get(roomId) === false) return;
    const rv = state.rooms[roomId];
    // A window far back (a search result) does not show the newest message.
    if (!rv?.room.joined || !rv.historyLoaded || rv.gapAfter !== null) return;
    const upTo = lastId(rv.timeline);
    if (upTo === undefined || upTo <= (rv.read?.lastRead ?? 0)) return;
    this.core.updateRoom(roomId, (r) => ({ ...r, read: { lastRead: upTo, unread: 0, mentions: 0, high: upTo } }));
    this.send(roomId);
  }

  stop(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }

  private withBase(rv: RoomView, next: ReadBase | null): RoomView {
    const read = acceptBase(rv.read, next);
    return read === rv.read ? rv : { ...rv, read };
  }

  /** Tells the server the room's read position, at most once a second (the latest one wins). */
  private send(roomId: number): void {
    if (this.timers.has(roomId)) return;
    const wait = (this.lastSent.get(roomId) ?? -Infinity) + READ_EVERY_MS - this.now();
    if (wait > 0) {
      this.timers.set(
        roomId,
        setTimeout(() => {
          this.timers.delete(roomId);
          this.send(roomId);
        }, wait),
      );
      return;
    }
    const upTo = this.core.state.rooms[roomId]?.read?.lastRead;
    if (!upTo) return;
    this.lastSent.set(roomId, this.now());
    if (this.socket.read(roomId, upTo)) return;
    this.api.markRead(roomId, upTo).then(
      (rs) => this.applyReadState(rs),
      () => undefined, // the next reading, or the next room list, corrects it
    );
  }
}
