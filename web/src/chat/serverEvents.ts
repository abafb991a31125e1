// Routes what the socket reports to the chat's modules: the connection state, authentication,
// acks and failed sends, refused joins, and the server's frames.

import type { ChatSocket } from '../net/chatSocket';
import type { Message, ServerFrame } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import type { Notices } from './notices';
import { applyPresence } from './presence';
import type { RoomHistory } from './roomHistory';
import type { Rooms } from './rooms';
import type { Typing } from './typing';
import type { UnsentMessages } from './unsentMessages';

export interface ChatModules {
  core: ChatStateCore;
  notices: Notices;
  rooms: Rooms;
  history: RoomHistory;
  unsent: UnsentMessages;
  typing: Typing;
  now: () => number;
}

export function routeServerEvents(socket: ChatSocket, m: ChatModules): void {
  socket.on({
    state: (state, info) =>
      m.core.set({ connection: { state, retryAt: info.delayMs !== undefined ? m.now() + info.delayMs : undefined } }),
    authed: (user) => {
      m.core.set({ user });
      // Runs after the socket's joins went out: messages of tabs closed meanwhile are adopted.
      void m.unsent.restore(undefined, true);
    },
    frame: (f) => onFrame(f, m),
    ack: (cid, room, id, ts) => m.unsent.acked(cid, room, id, ts),
    sendFailed: (cid, room, code, message) => {
      m.unsent.failed(cid, room, code);
      m.notices.notify(code, message);
    },
    joinFailed: (room, code, message) => {
      if (code === 'not_found' || code === 'forbidden') m.rooms.drop(room);
      m.notices.notify(code, message);
    },
    error: (code, message) => m.notices.notify(code, message),
    sessionExpired: () => m.core.set({ user: null }),
  });
}

function onFrame(f: ServerFrame, m: ChatModules): void {
  switch (f.type) {
    case 'joined':
      m.rooms.joined(f.room, f.online ?? [], f.missed ?? [], !!f.missed_truncated);
      return;
    case 'message': {
      const { type: _t, ...msg } = f;
      void _t;
      m.history.receive(msg.room, [msg as Message]);
      m.typing.messageFrom(msg.room, msg.from.id);
      return;
    }
    case 'presence':
      m.core.updateRoom(f.room, (rv) => applyPresence(rv, f.user, f.event));
      return;
    case 'typing':
      m.typing.othersTyping(f.room, f.user);
      return;
    case 'room_deleted':
      m.rooms.deleted(f.room);
      return;
    case 'notification':
      onNotification(f.event, f.data, m);
      return;
    default:
      return;
  }
}

/** Publish-API and server events: a short notice; a room someone added us to appears at once. */
function onNotification(event: string, data: unknown, m: ChatModules): void {
  const d = (data ?? {}) as { room?: { name?: string }; role?: string };
  if (event === 'room.member_added') {
    void m.rooms.refresh();
    m.notices.notify('member_added', '', { room: d.room?.name ?? '' });
  } else if (event === 'user.role_changed') {
    m.notices.notify('role_changed', '', { role: d.role ?? '' });
  } else {
    m.notices.notify('notification', '', { event });
  }
}
