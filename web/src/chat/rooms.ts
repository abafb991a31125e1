// The user's rooms: the list polled over REST (rooms that vanished from it are dropped), each room
// a `joined` frame confirms, the open room, and the membership actions (create, join, DM, leave,
// delete, members). Joined rooms are kept subscribed on the socket.

import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { Member, Room, ServerFrame } from '../protocol/types';
import type { CatchUp } from './catchUp';
import { newRoomView, type RoomView } from './chatState';
import type { ChatStateCore } from './chatStateCore';
import type { Notices } from './notices';
import type { RoomHistory } from './roomHistory';
import type { RoomMembers } from './roomMembers';
import { roomTitle } from './roomTitle';
import { acceptBase, baseFromRoom, type ServerReadState } from './serverReadState';
import type { UnsentMessages } from './unsentMessages';

export interface RoomsDeps {
  api: Api;
  socket: ChatSocket;
  readState: ServerReadState;
  history: RoomHistory;
  catchUp: CatchUp;
  members: RoomMembers;
  unsent: UnsentMessages;
  notices: Notices;
}

type JoinedFrame = Extract<ServerFrame, { type: 'joined' }>;

/** A room from the server's list merged into what we hold: its fields and its read state. */
function withRoom(old: RoomView | undefined, room: Room): RoomView {
  if (!old) return { ...newRoomView(room), read: baseFromRoom(room) };
  return { ...old, room: { ...old.room, ...room }, read: acceptBase(old.read, baseFromRoom(room)) };
}

export class Rooms {
  constructor(
    private readonly core: ChatStateCore,
    private readonly deps: RoomsDeps,
  ) {}

  async refresh(): Promise<void> {
    const { api, socket, history, members, unsent, notices } = this.deps;
    let rooms: Room[];
    try {
      rooms = await api.rooms();
    } catch (e) {
      notices.handleError(e);
      return;
    }
    const known = this.core.state.rooms;
    const next: Record<number, RoomView> = {};
    for (const room of rooms) {
      next[room.id] = withRoom(known[room.id], room);
      if (room.joined && !socket.subscribedRooms.includes(room.id)) socket.join(room.id);
    }
    // Rooms that vanished from the list (deleted, or we left elsewhere) are dropped.
    for (const id of Object.keys(known).map(Number)) {
      if (!next[id] && known[id]?.room.joined) socket.forget(id);
    }
    this.core.set({ rooms: next, roomsLoaded: true });
    this.deps.readState.resendIfBehind(rooms);
    // The room opened from the URL before the list arrived: its history need not wait for the socket.
    const active = this.core.state.activeRoomId;
    if (active !== null && next[active]?.room.joined && !next[active].historyLoaded) void history.loadNewest(active);
    if (active !== null) members.ensure(active);
    this.deps.readState.markReadIfReading();
    await unsent.restore(new Set(rooms.filter((r) => r.joined).map((r) => r.id)), unsent.awaitingFirstRestore);
  }

  /** The server confirmed a subscription (`joined`): who is online, its read state, what was missed or changed. */
  joined(f: JoinedFrame): void {
    const { history, catchUp, readState } = this.deps;
    const room = f.room;
    this.core.set({ rooms: { ...this.core.state.rooms, [room.id]: withRoom(this.core.state.rooms[room.id], { ...room, joined: true }) } });
    this.core.updateRoom(room.id, (rv) => ({ ...rv, online: f.online ?? [] }));
    readState.resendIfBehind([room]);
    catchUp.joined(room.id, f.missed ?? [], !!f.missed_truncated, f.changed ?? [], !!f.changed_truncated);
    const rv = this.core.state.rooms[room.id];
    if (rv && rv.timeline.messages.length === 0) {
      // The room list carries the last message; an older server's needs a one-message page.
      if (room.last_message === undefined) void history.loadPreview(room.id);
    }
    if (this.core.state.activeRoomId === room.id && rv && !rv.historyLoaded) void history.loadNewest(room.id);
    readState.markReadIfReading(room.id);
  }

  /** The room was deleted (a `room_deleted` frame): it goes, with a notice. */
  deleted(id: number): void {
    const rv = this.core.state.rooms[id];
    this.deps.socket.forget(id);
    this.drop(id);
    if (rv) this.deps.notices.notify('room_deleted', '', { room: roomTitle(rv.room, this.core.state.user) });
  }

  /** Forgets a room locally (deleted, left, or access lost). */
  drop(id: number): void {
    if (!this.core.state.rooms[id]) return;
    const rooms = { ...this.core.state.rooms };
    delete rooms[id];
    this.core.set({ rooms, activeRoomId: this.core.state.activeRoomId === id ? null : this.core.state.activeRoomId });
  }

  open(id: number | null): void {
    this.core.set({ activeRoomId: id });
    if (id === null) return;
    const rv = this.core.state.rooms[id];
    if (rv?.room.joined && !rv.historyLoaded) void this.deps.history.loadNewest(id);
    this.deps.members.ensure(id);
    this.deps.readState.markReadIfReading(id);
  }

  async create(name: string, isPrivate: boolean, accessCode?: string): Promise<Room> {
    const room = await this.deps.api.createRoom(name, isPrivate, accessCode);
    this.add(room);
    return room;
  }

  async join(id: number, accessCode?: string): Promise<Room> {
    const room = await this.deps.api.joinRoom(id, accessCode);
    this.add(room);
    return room;
  }

  async startDm(username: string): Promise<Room> {
    const room = await this.deps.api.dm(username);
    this.add(room);
    return room;
  }

  /** Leaves a room: a public one stays listed (to join again), a private one goes. */
  async leave(id: number): Promise<void> {
    await this.deps.api.leaveRoom(id);
    this.deps.socket.leave(id);
    const rv = this.core.state.rooms[id];
    if (rv && !rv.room.private) {
      this.core.set({
        rooms: { ...this.core.state.rooms, [id]: newRoomView({ ...rv.room, joined: false, member_count: Math.max(0, rv.room.member_count - 1) }) },
        activeRoomId: this.core.state.activeRoomId === id ? null : this.core.state.activeRoomId,
      });
    } else {
      this.drop(id);
    }
  }

  async remove(id: number): Promise<void> {
    await this.deps.api.deleteRoom(id);
    this.deps.socket.forget(id);
    this.drop(id);
  }

  members(id: number): Promise<Member[]> {
    return this.deps.api.members(id);
  }

  addMember(id: number, username: string): Promise<unknown> {
    return this.deps.api.addMember(id, username);
  }

  /** A room the user just created or joined: shown at once and subscribed. */
  private add(room: Room): void {
    const old = this.core.state.rooms[room.id];
    const rv = withRoom(old, { ...room, joined: true });
    this.core.set({ rooms: { ...this.core.state.rooms, [room.id]: rv } });
    this.deps.socket.join(room.id);
  }
}
