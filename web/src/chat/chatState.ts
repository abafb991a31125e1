// The chat's state as React reads it: one immutable snapshot, replaced on every change.

import type { ConnectionState } from '../net/chatSocket';
import type { Room, User } from '../protocol/types';
import { emptyTimeline, type Timeline } from './timeline';

export interface RoomView {
  room: Room;
  timeline: Timeline;
  /** The newest page was fetched, so the timeline is contiguous up to now. */
  historyLoaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  online: readonly User[];
  typing: Readonly<Record<number, { username: string; until: number }>>;
  unread: number;
  unreadMore: boolean;
  lastRead: number;
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

export interface ChatState {
  user: User | null;
  connection: ConnectionInfo;
  rooms: Readonly<Record<number, RoomView>>;
  roomsLoaded: boolean;
  activeRoomId: number | null;
  notices: readonly Notice[];
}

export const initialChatState: ChatState = {
  user: null,
  connection: { state: 'idle' },
  rooms: {},
  roomsLoaded: false,
  activeRoomId: null,
  notices: [],
};

/** A room as first seen: no messages fetched yet, read up to `lastRead`. */
export function newRoomView(room: Room, lastRead: number): RoomView {
  return {
    room,
    timeline: emptyTimeline,
    historyLoaded: false,
    hasOlder: true,
    loadingOlder: false,
    online: [],
    typing: {},
    unread: 0,
    unreadMore: false,
    lastRead,
  };
}
