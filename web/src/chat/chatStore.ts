// The chat's state and the actions on it, independent of React. A small core holds the state
// (ChatStateCore); each part of the chat is its own module: the rooms, their history, read state,
// unsent messages, typing, notices. This class composes them for one signed-in session and is
// what the views use: they read snapshots through subscribe/getState and call the actions.

import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { Member, Room, User } from '../protocol/types';
import type { EnumerableStorage, KeyValueStorage } from '../storage/keyValueStorage';
import { ChatStateCore } from './chatStateCore';
import { Notices } from './notices';
import { soloTab, type TabRegistry } from './openTabs';
import { ReadState } from './readState';
import { RoomHistory } from './roomHistory';
import { Rooms } from './rooms';
import { routeServerEvents } from './serverEvents';
import { lastId } from './timeline';
import { Typing } from './typing';
import { UnsentMessages } from './unsentMessages';

export interface ChatStoreOptions {
  api: Api;
  socket: ChatSocket;
  storage: KeyValueStorage;
  /** Where unsent messages survive a reload (null: memory only). */
  unsentStorage?: EnumerableStorage | null;
  /** Which tabs are alive, so that each unsent message is resent by one tab. */
  tabs?: TabRegistry;
  isVisible?: () => boolean;
  now?: () => number;
  roomsPollMs?: number;
}

export class ChatStore {
  private readonly core = new ChatStateCore();
  private readonly notices: Notices;
  private readonly readState: ReadState;
  private readonly unsent: UnsentMessages;
  private readonly typingState: Typing;
  private readonly history: RoomHistory;
  private readonly rooms: Rooms;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private started = false;
  private stopped = false;
  private stopHooks: Array<() => void> = [];

  constructor(private readonly opts: ChatStoreOptions) {
    const now = opts.now ?? (() => Date.now());
    const socket = opts.socket;
    this.notices = new Notices(this.core);
    this.readState = new ReadState(this.core, opts.storage, opts.isVisible ?? (() => true));
    this.unsent = new UnsentMessages(this.core, { socket, storage: opts.unsentStorage ?? null, tabs: opts.tabs ?? soloTab(), now });
    this.typingState = new Typing(this.core, socket, now);
    this.history = new RoomHistory(this.core, opts.api, this.readState, this.unsent, this.notices);
    this.rooms = new Rooms(this.core, { api: opts.api, socket, readState: this.readState, history: this.history, unsent: this.unsent, notices: this.notices });
    routeServerEvents(socket, { core: this.core, notices: this.notices, rooms: this.rooms, history: this.history, unsent: this.unsent, typing: this.typingState, now });
  }

  // --- React glue ---
  subscribe = this.core.subscribe;
  getState = this.core.getState;

  // --- lifecycle ---

  /** Connects and loads the rooms of `user`. */
  async start(user: User): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsent.open(user.id);
    this.core.set({ user });
    this.opts.socket.start();
    await this.rooms.refresh();
    const poll = this.opts.roomsPollMs ?? 10_000;
    if (poll > 0) this.pollTimer = setInterval(() => void this.rooms.refresh(), poll);
  }

  onStop(fn: () => void): void {
    this.stopHooks.push(fn);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsent.stop();
    this.stopHooks.forEach((fn) => fn());
    this.started = false;
    this.opts.socket.stop();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.typingState.stop();
    this.core.set({ user: null, rooms: {}, roomsLoaded: false, activeRoomId: null, connection: { state: 'closed' } });
  }

  /** The last id this client holds for a room (for `since`), or the last one read in an earlier visit. */
  lastSeen = (room: number): number | undefined => {
    const rv = this.core.state.rooms[room];
    const last = rv ? lastId(rv.timeline) : undefined;
    if (last !== undefined) return last;
    const read = rv?.lastRead ?? this.readState.marks()[room];
    return read ? read : undefined;
  };

  /** Skips the backoff wait and reconnects now. */
  reconnectNow(): void {
    this.opts.socket.reconnectNow();
  }

  // --- rooms ---
  refreshRooms(): Promise<void> {
    return this.rooms.refresh();
  }
  openRoom(id: number | null): void {
    this.rooms.open(id);
  }
  createRoom(name: string, isPrivate: boolean, accessCode?: string): Promise<Room> {
    return this.rooms.create(name, isPrivate, accessCode);
  }
  joinRoom(id: number, accessCode?: string): Promise<Room> {
    return this.rooms.join(id, accessCode);
  }
  startDm(username: string): Promise<Room> {
    return this.rooms.startDm(username);
  }
  leaveRoom(id: number): Promise<void> {
    return this.rooms.leave(id);
  }
  deleteRoom(id: number): Promise<void> {
    return this.rooms.remove(id);
  }
  members(id: number): Promise<Member[]> {
    return this.rooms.members(id);
  }
  addMember(id: number, username: string): Promise<unknown> {
    return this.rooms.addMember(id, username);
  }

  // --- reading ---
  loadNewest(roomId: number): Promise<void> {
    return this.history.loadNewest(roomId);
  }
  loadOlder(roomId: number): Promise<void> {
    return this.history.loadOlder(roomId);
  }
  /** Marks the active room read when the user can see it. */
  markReadIfVisible(roomId?: number | null): void {
    this.readState.markReadIfVisible(roomId);
  }

  // --- writing ---
  send(roomId: number, body: string): void {
    if (this.unsent.send(roomId, body)) this.typingState.sent(roomId);
  }
  /** Sends a failed message again with the same client_id, so the server stores it at most once. */
  retry(roomId: number, clientId: string): void {
    this.unsent.retry(roomId, clientId);
  }
  discard(roomId: number, clientId: string): void {
    this.unsent.discard(roomId, clientId);
  }
  typing(roomId: number): void {
    this.typingState.typed(roomId);
  }

  // --- notices ---
  notify(code: string, message: string, params?: Record<string, string | number>): void {
    this.notices.notify(code, message, params);
  }
  dismiss(id: number): void {
    this.notices.dismiss(id);
  }
  handleError(e: unknown): void {
    this.notices.handleError(e);
  }
}
