// The chat's state as React reads it: one immutable snapshot, replaced on every change.

import type { ConnectionState } from '../net/chatSocket';
import type { Member, Message, Room, User } from '../protocol/types';
import { emptyTimeline, type Timeline } from './timeline';

/**
 * The server's read state of a room (`Room.last_read/unread/mentions`, `read_state` frames) and the
 * highest message id its counts cover: messages held above `high` are counted on top of it.
 */
export interface ReadBase {
  lastRead: number;
  unread: number;
  mentions: number;
  high: number;
}

/** A thread opened in the side panel: its parent and the replies fetched for it. */
export interface ThreadView {
  parent: Message;
  /** Replies fetched with the replies endpoint (live ones are in the room's timeline too). */
  replies: readonly Message[];
  loading: boolean;
}

export interface RoomView {
  room: Room;
  timeline: Timeline;
  /** The newest page was fetched, so the timeline is contiguous up to now. */
  historyLoaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /**
   * Set while an older part of the history is shown (a search result opened in its place): the
   * held messages are contiguous from the first up to this id only. Newer ones are paged with
   * `after` from it; those held above it (live ones, the newest page) show once the gap closes.
   */
  gapAfter: number | null;
  loadingNewer: boolean;
  online: readonly User[];
  typing: Readonly<Record<number, { username: string; until: number }>>;
  /** The server's read state; null before the server told us (or an older server). */
  read: ReadBase | null;
  /** Catch-up cursor: the largest id or rev seen in this room's ordered stream. */
  cursor: number;
  /** The members with their read positions (for `@` completion and "seen by"), once fetched. */
  members: readonly Member[] | null;
  /** The thread open in the side panel (its parent's id), or null. */
  openThread: number | null;
  threads: Readonly<Record<number, ThreadView>>;
}

export interface Notice {
  id: number;
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

export interface ConnectionInfo {
  state: ConnectionState;
  retryAt?: number;
}

/** The message being edited in place, if any. */
export interface Editing {
  room: number;
  id: number;
}

export interface ChatState {
  user: User | null;
  connection: ConnectionInfo;
  rooms: Readonly<Record<number, RoomView>>;
  roomsLoaded: boolean;
  activeRoomId: number | null;
  notices: readonly Notice[];
  editing: Editing | null;
  /** A message to scroll into view and highlight (a search result opened); `seq` tells repeats apart. */
  focus: { room: number; id: number; seq: number } | null;
}

export const initialChatState: ChatState = {
  user: null,
  connection: { state: 'idle' },
  rooms: {},
  roomsLoaded: false,
  activeRoomId: null,
  notices: [],
  editing: null,
  focus: null,
};

/** A room as first seen: no messages fetched yet. */
export function newRoomView(room: Room): RoomView {
  return {
    room,
    timeline: emptyTimeline,
    historyLoaded: false,
    hasOlder: true,
    loadingOlder: false,
    gapAfter: null,
    loadingNewer: false,
    online: [],
    typing: {},
    read: null,
    cursor: 0,
    members: null,
    openThread: null,
    threads: {},
  };
}
