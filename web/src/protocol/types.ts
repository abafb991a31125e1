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
}

export interface Member {
  id: number;
  username: string;
  role: 'owner' | 'member' | string;
  online: boolean;
}

export interface Message {
  id: number;
  room: number;
  from: { id: number; username: string };
  body: string;
  ts: string;
  client_id?: string;
  meta?: Record<string, unknown> | null;
}

export interface MessagePage {
  messages: Message[];
  next_before?: number | null;
  next_after?: number | null;
}

/** Frames the server sends over the WebSocket. */
export type ServerFrame =
  | { type: 'authed'; user: User }
  | { type: 'joined'; ref?: string; room: Room; online: User[]; missed: Message[]; missed_truncated: boolean }
  | { type: 'left'; ref?: string; room: number }
  | ({ type: 'message' } & Message)
  | { type: 'ack'; ref?: string; room: number; id: number; ts: string; client_id?: string }
  | { type: 'presence'; room: number; user: User; event: 'join' | 'leave' }
  | { type: 'typing'; room: number; user: { id: number; username: string } }
  | { type: 'notification'; event: string; data: unknown; ts: string }
  | { type: 'room_deleted'; room: number }
  | { type: 'error'; ref?: string; code: string; message: string }
  | { type: 'pong'; ref?: string };
