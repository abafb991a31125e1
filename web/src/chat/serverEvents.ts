// Routes what the socket reports to the chat's modules: the connection state, authentication,
// acks and failed sends, refused joins, and the server's frames.

import type { ChatSocket } from '../net/chatSocket';
import type { Message, ServerFrame } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import { alertsMention } from './mentions';
import type { MessageChanges } from './messageChanges';
import type { Notices } from './notices';
import { applyPresence } from './presence';
import type { Receipts } from './receipts';
import type { RoomHistory } from './roomHistory';
import type { RoomMembers } from './roomMembers';
import type { Rooms } from './rooms';
import { roomTitle } from './roomTitle';
import type { ServerReadState } from './serverReadState';
import type { Typing } from './typing';
import type { UnsentMessages } from './unsentMessages';

export interface ChatModules {
  core: ChatStateCore;
  notices: Notices;
  rooms: Rooms;
  history: RoomHistory;
  changes: MessageChanges;
  readState: ServerReadState;
  receipts: Receipts;
  members: RoomMembers;
  unsent: UnsentMessages;
  typing: Typing;
  isReading: () => boolean;
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

/** The Message inside a frame that spreads one (`message`, `message_updated`). */
function messageOf(f: { type: string } & Message): Message {
  const { type: _t, ...msg } = f;
  void _t;
  return msg as Message;
}

function onFrame(f: ServerFrame, m: ChatModules): void {
  switch (f.type) {
    case 'joined':
      m.rooms.joined(f);
      return;
    case 'message': {
      const msg = messageOf(f);
      m.history.receive(msg.room, [msg]);
      m.typing.messageFrom(msg.room, msg.from.id);
      return;
    }
    case 'message_updated': {
      const msg = messageOf(f);
      m.changes.apply(msg.room, [msg], { live: true });
      return;
    }
    case 'read_state':
      m.readState.applyReadState(f);
      return;
    case 'receipt':
      m.receipts.receipt(f.room, f.user, f.last_read);
      return;
    case 'mention':
      onMention(f, m);
      return;
    case 'presence':
      m.core.updateRoom(f.room, (rv) => applyPresence(rv, f.user, f.event));
      if (f.event === 'join') m.members.refreshIfStale(f.room);
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

/** Someone named the user: a notice, unless the user is reading that room (the message shows it). */
function onMention(f: Extract<ServerFrame, { type: 'mention' }>, m: ChatModules): void {
  const rv = m.core.state.rooms[f.room];
  if (!rv) {
    void m.rooms.refresh(); // a room we did not know yet
    return;
  }
  if (!alertsMention(m.core.state.activeRoomId, m.isReading(), f)) return;
  m.notices.notify('mentioned', '', { from: f.message.from.username, room: roomTitle(rv.room, m.core.state.user) });
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
