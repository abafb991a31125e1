// The user's rooms: the list polled over REST (rooms that vanished from it are dropped), each room
// a `joined` frame confirms, the open room, and the membership actions (create, join, DM, leave,
// delete, members). Joined rooms are kept subscribed on the socket.

import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { Member, Message, Room, User } from '../protocol/types';
import { newRoomView, type RoomView } from './chatState';
import type { ChatStateCore } from './chatStateCore';
import type { Notices } from './notices';
import type { ReadState } from './readState';
import type { RoomHistory } from './roomHistory';
import { roomTitle } from './roomTitle';
import type { UnsentMessages } from './unsentMessages';

export interface RoomsDeps {
  api: Api;
  socket: ChatSocket;
  readState: ReadState;
  history: RoomHistory;
  unsent: UnsentMessages;
  notices: Notices;
}

export class Rooms {
  constructor(
    private readonly core: ChatStateCore,
    private readonly deps: RoomsDeps,
  ) {}

  async refresh(): Promise<void> {
    const { api, socket, readState, history, unsent, notices } = this.deps;
    let rooms: Room[];
    try {
      rooms = await api.rooms();
    } catch (e) {
      notices.handleError(e);
      return;
    }
    const marks = readState.marks();
    const known = this.core.state.rooms;
    const next: Record<number, RoomView> = {};
    for (const room of rooms) {
      const old = known[room.id];
      next[room.id] = old ? { ...old, room: { ...old.room, ...room } } : newRoomView(room, marks[room.id] ?? 0);
      if (room.joined && !socket.subscribedRooms.includes(room.id)) socket.join(room.id);
    }
    // Rooms that vanished from the list (deleted, or we left elsewhere) are dropped.
    for (const id of Object.keys(known).map(Number)) {
      if (!next[id] && known[id]?.room.joined) socket.forget(id);
    }
    this.core.set({ rooms: next, roomsLoaded: true });
    // The room opened from the URL before the list arrived: its history need not wait for the socket.
    const active = this.core.state.activeRoomId;
    if (active !== null && next[active]?.room.joined && !next[active].historyLoaded) void history.loadNewest(active);
    await unsent.restore(new Set(rooms.filter((r) => r.joined).map((r) => r.id)), unsent.awaitingFirstRestore);
  }

  /** The server confirmed a subscription (`joined`), with who is online and what was missed. */
  joined(room: Room, online: User[], missed: Message[], truncated: boolean): void {
    const { readState, history } = this.deps;
    if (!this.core.state.rooms[room.id]) {
      this.core.set({ rooms: { ...this.core.state.rooms, [room.id]: newRoomView(room, readState.marks()[room.id] ?? 0) } });
    }
    this.core.updateRoom(room.id, (rv) => ({ ...rv, room: { ...rv.room, ...room, joined: true }, online }));
    history.receive(room.id, missed);
    if (truncated) void history.catchUp(room.id);
    const rv = this.core.state.rooms[room.id];
    if (rv && rv.timeline.messages.length === 0) void history.loadPreview(room.id);
    if (this.core.state.activeRoomId === room.id && rv && !rv.historyLoaded) void history.loadNewest(room.id);
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
    this.deps.readState.markReadIfVisible(id);
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
        rooms: { ...this.core.state.rooms, [id]: newRoomView({ ...rv.room, joined: false, member_count: Math.max(0, rv.room.member_count - 1) }, rv.lastRead) },
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
    const rv = old ? { ...old, room: { ...old.room, ...room, joined: true } } : newRoomView({ ...room, joined: true }, 0);
    this.core.set({ rooms: { ...this.core.state.rooms, [room.id]: rv } });
    this.deps.socket.join(room.id);
  }
}
