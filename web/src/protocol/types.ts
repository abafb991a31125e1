// Shapes of the public wire contract (shared/PROTOCOL.md) that the app reads and writes.

export interface User {
  id: number;
  username: string;
  role: 'user' | 'admin' | string;
  created_at?: string;
}

export interface AuthResponse {
  user: User;
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface Room {
  id: number;
  name: string;
  private: boolean;
  owner_id: number;
  created_at: string;
  member_count: number;
  joined: boolean;
  dm?: boolean;
  // v1.1, for a member: the read position and what is unread after it.
  last_read?: number;
  unread?: number;
  mentions?: number;
  /** The newest message that is not deleted, or null. */
  last_message?: Message | null;
}

export interface Member {
  id: number;
  username: string;
  role: 'owner' | 'member' | string;
  online: boolean;
  /** v1.1: the member's read position. */
  last_read?: number;
}

export interface Message {
  id: number;
  room: number;
  from: { id: number; username: string };
  body: string;
  ts: string;
  client_id?: string;
  meta?: Record<string, unknown> | null;
  // v1.1 — conversations
  /** Position of the latest state: `id` until it first changes. */
  rev?: number;
  edited_at?: string;
  deleted?: boolean;
  reactions?: Reaction[];
  reply_to?: number;
  reply_count?: number;
  last_reply_at?: string;
  /** Ids of the room members named as `@username`, without the sender. */
  mentions?: number[];
  // v1.1 — search and files
  attachments?: Upload[];
}

/** A stored file (v1.1): `url` is a path on the server, read with the access token. */
export interface Upload {
  id: number;
  name: string;
  size: number;
  content_type: string;
  url: string;
  /** Images: read from the file's header, so clients can reserve space. */
  width?: number;
  height?: number;
}

export interface Reaction {
  emoji: string;
  count: number;
  /** At most the first 100 ids. */
  users: number[];
}

export interface ReadState {
  room: number;
  last_read: number;
  unread: number;
  mentions: number;
}

export interface ChangesPage {
  messages: Message[];
  next_since: number | null;
}

export interface MessagePage {
  messages: Message[];
  next_before?: number | null;
  next_after?: number | null;
}

/** Frames the server sends over the WebSocket. */
export type ServerFrame =
  | { type: 'authed'; user: User }
  | {
      type: 'joined';
      ref?: string;
      room: Room;
      online: User[];
      missed: Message[];
      missed_truncated: boolean;
      changed?: Message[];
      changed_truncated?: boolean;
    }
  | { type: 'left'; ref?: string; room: number }
  | ({ type: 'message' } & Message)
  | { type: 'ack'; ref?: string; room: number; id: number; ts: string; client_id?: string }
  | { type: 'presence'; room: number; user: User; event: 'join' | 'leave' }
  | { type: 'typing'; room: number; user: { id: number; username: string } }
  | { type: 'notification'; event: string; data: unknown; ts: string }
  | { type: 'room_deleted'; room: number }
  | { type: 'error'; ref?: string; code: string; message: string }
  | { type: 'pong'; ref?: string }
  | ({ type: 'message_updated' } & Message)
  | { type: 'updated'; ref?: string; room: number; id: number; rev: number }
  | { type: 'mention'; room: number; message: Message }
  | ({ type: 'read_state'; ref?: string } & ReadState)
  | { type: 'receipt'; room: number; user: { id: number; username: string }; last_read: number };
