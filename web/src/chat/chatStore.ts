// The chat's state and the actions on it, independent of React: rooms with their timelines,
// unread counts, presence and typing, the connection state and the notices shown to the user.
// React components read snapshots through subscribe/getState.

import { SessionExpiredError } from '../auth/sessionExpiredError';
import type { Api } from '../net/api';
import { ApiError } from '../net/apiError';
import type { ChatSocket, ConnectionState } from '../net/chatSocket';
import type { Member, Message, Room, ServerFrame, User } from '../protocol/types';
import type { EnumerableStorage, KeyValueStorage } from '../storage/keyValueStorage';
import { soloTab, type TabRegistry } from './openTabs';
import {
  addMessages,
  addPending,
  applyAck,
  emptyTimeline,
  firstId,
  lastId,
  newClientId,
  setPendingStatus,
  type PendingMessage,
  type Timeline,
} from './timeline';
import { UnsentStore } from './unsentStore';

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

const TYPING_SHOW_MS = 6000;
const TYPING_SEND_EVERY_MS = 3000;
const CATCH_UP_MAX_PAGES = 10;

function newRoomView(room: Room, lastRead: number): RoomView {
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

/** The display name of a room: a DM ("dm:alice,bob") shows the other person. */
export function roomTitle(room: Room, me: User | null): string {
  if (isDm(room)) {
    const names = room.name.slice(3).split(',');
    const other = names.filter((n) => n.toLowerCase() !== me?.username.toLowerCase());
    return '@' + (other.length ? other.join(', ') : names[0]);
  }
  return room.name;
}

export function isDm(room: Room): boolean {
  return room.dm === true || (room.private && room.name.startsWith('dm:'));
}

export class ChatStore {
  private state: ChatState = {
    user: null,
    connection: { state: 'idle' },
    rooms: {},
    roomsLoaded: false,
    activeRoomId: null,
    notices: [],
  };
  private listeners = new Set<() => void>();
  private noticeSeq = 0;
  private lastTypingSent = new Map<number, number>();
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private readonly now: () => number;
  private readonly isVisible: () => boolean;
  private started = false;
  private stopped = false;
  private readonly tabs: TabRegistry;
  private unsent: UnsentStore | null = null;
  private restoreChain: Promise<void> = Promise.resolve();
  /** Whether stored unsent messages were restored once; sends wait for it so that order holds. */
  private restored = false;
  private deferred: Array<{ room: number; clientId: string }> = [];

  constructor(private readonly opts: ChatStoreOptions) {
    this.now = opts.now ?? (() => Date.now());
    this.isVisible = opts.isVisible ?? (() => true);
    this.tabs = opts.tabs ?? soloTab();
    const s = opts.socket;
    s.on({
      state: (state, info) =>
        this.set({ connection: { state, retryAt: info.delayMs !== undefined ? this.now() + info.delayMs : undefined } }),
      authed: (user) => {
        this.set({ user });
        // Runs after the socket's joins went out: messages of tabs closed meanwhile are adopted.
        void this.restoreUnsent(undefined, true);
      },
      frame: (f) => this.onFrame(f),
      ack: (cid, room, id, ts) => {
        this.unsent?.remove(cid);
        this.updateRoom(room, (rv) => ({ ...rv, timeline: applyAck(rv.timeline, cid, id, ts) }));
      },
      sendFailed: (cid, room, code, message) => {
        // Kept (as failed) so that a reload still offers Retry and Discard instead of losing the text.
        this.unsent?.update(cid, { status: 'failed', error: code });
        this.updateRoom(room, (rv) => ({ ...rv, timeline: setPendingStatus(rv.timeline, cid, 'failed', code) }));
        this.notify(code, message);
      },
      joinFailed: (room, code, message) => {
        if (code === 'not_found' || code === 'forbidden') this.dropRoom(room);
        this.notify(code, message);
      },
      error: (code, message) => this.notify(code, message),
      sessionExpired: () => this.set({ user: null }),
    });
  }

  // --- React glue ---
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getState = (): ChatState => this.state;

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((fn) => fn());
  }

  private updateRoom(id: number, fn: (rv: RoomView) => RoomView): void {
    const rv = this.state.rooms[id];
    if (!rv) return;
    const next = fn(rv);
    if (next === rv) return;
    this.set({ rooms: { ...this.state.rooms, [id]: next } });
  }

  // --- lifecycle ---

  /** Connects and loads the rooms of `user`. */
  async start(user: User): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsent = new UnsentStore(this.opts.unsentStorage ?? null, user.id, { now: this.now });
    this.set({ user });
    this.opts.socket.start();
    await this.refreshRooms();
    const poll = this.opts.roomsPollMs ?? 10_000;
    if (poll > 0) this.pollTimer = setInterval(() => void this.refreshRooms(), poll);
  }

  private stopHooks: Array<() => void> = [];
  onStop(fn: () => void): void {
    this.stopHooks.push(fn);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopHooks.forEach((fn) => fn());
    this.started = false;
    this.opts.socket.stop();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.pollTimer = this.typingTimer = null;
    this.set({ user: null, rooms: {}, roomsLoaded: false, activeRoomId: null, connection: { state: 'closed' } });
  }

  /** The last id this client holds for a room (for `since`), or the last one read in an earlier visit. */
  lastSeen = (room: number): number | undefined => {
    const rv = this.state.rooms[room];
    const last = rv ? lastId(rv.timeline) : undefined;
    if (last !== undefined) return last;
    const read = rv?.lastRead ?? this.readMarks()[room];
    return read ? read : undefined;
  };

  // --- read marks, kept per user across reloads ---
  private marksKey(): string {
    return `parley.lastRead.${this.state.user?.id ?? 0}`;
  }
  private readMarks(): Record<number, number> {
    try {
      return JSON.parse(this.opts.storage.getItem(this.marksKey()) ?? '{}') as Record<number, number>;
    } catch {
      return {};
    }
  }
  private saveReadMark(room: number, id: number): void {
    const marks = this.readMarks();
    if ((marks[room] ?? 0) >= id) return;
    marks[room] = id;
    this.opts.storage.setItem(this.marksKey(), JSON.stringify(marks));
  }

  async refreshRooms(): Promise<void> {
    let rooms: Room[];
    try {
      rooms = await this.opts.api.rooms();
    } catch (e) {
      this.handleError(e);
      return;
    }
    const marks = this.readMarks();
    const next: Record<number, RoomView> = {};
    for (const room of rooms) {
      const old = this.state.rooms[room.id];
      next[room.id] = old ? { ...old, room: { ...old.room, ...room } } : newRoomView(room, marks[room.id] ?? 0);
      if (room.joined && !this.opts.socket.subscribedRooms.includes(room.id)) this.opts.socket.join(room.id);
    }
    // Rooms that vanished from the list (deleted, or we left elsewhere) are dropped.
    for (const id of Object.keys(this.state.rooms).map(Number)) {
      if (!next[id] && this.state.rooms[id]?.room.joined) this.opts.socket.forget(id);
    }
    this.set({ rooms: next, roomsLoaded: true });
    // The room opened from the URL before the list arrived: its history need not wait for the socket.
    const active = this.state.activeRoomId;
    if (active !== null && next[active]?.room.joined && !next[active].historyLoaded) void this.loadNewest(active);
    await this.restoreUnsent(new Set(rooms.filter((r) => r.joined).map((r) => r.id)), !this.restored);
  }

  // --- unsent messages kept across reloads ---

  /**
   * Shows the stored unsent messages of this tab and of closed tabs in their rooms and resends the
   * pending ones with their client_id (the server stores each once). With `joinedRooms` (a fresh
   * room list), entries for rooms the user is no longer in are dropped. Closed tabs' entries are
   * adopted only with `adopt` (start and reconnects, not the periodic room poll, which could catch
   * another tab in the middle of its reload). One pass at a time.
   */
  private restoreUnsent(joinedRooms: Set<number> | undefined, adopt: boolean): Promise<void> {
    this.restoreChain = this.restoreChain.then(() => this.restorePass(joinedRooms, adopt)).catch(() => undefined);
    return this.restoreChain;
  }

  private async restorePass(joinedRooms: Set<number> | undefined, adopt: boolean): Promise<void> {
    const store = this.unsent;
    if (!store || this.stopped) return;
    const alive = await this.tabs.alive();
    if (this.stopped || store !== this.unsent) return;
    for (const e of store.list()) {
      if (e.tab !== this.tabs.id && (!adopt || alive.has(e.tab))) continue; // another tab's
      if (joinedRooms && !joinedRooms.has(e.room)) {
        store.remove(e.clientId);
        continue;
      }
      const rv = this.state.rooms[e.room];
      if (!rv?.room.joined) continue; // not known yet: a later pass
      if (rv.timeline.pending.some((p) => p.clientId === e.clientId)) continue; // shown already
      if (rv.timeline.messages.some((m) => m.client_id === e.clientId && m.from.id === e.userId)) {
        store.remove(e.clientId); // stored by the server already
        continue;
      }
      if (e.tab !== this.tabs.id) store.update(e.clientId, { tab: this.tabs.id });
      const p: PendingMessage = {
        clientId: e.clientId,
        room: e.room,
        body: e.body,
        from: { id: e.userId, username: e.username },
        createdAt: e.createdAt,
        status: e.status,
        error: e.error,
      };
      this.updateRoom(e.room, (r) => ({ ...r, timeline: addPending(r.timeline, p) }));
      if (e.status === 'pending') this.opts.socket.send(e.room, e.body, e.clientId);
    }
    if (!this.restored && this.state.roomsLoaded) {
      this.restored = true;
      // Written before this first pass: they go out after the older restored messages.
      for (const d of this.deferred.splice(0)) {
        const p = this.state.rooms[d.room]?.timeline.pending.find((x) => x.clientId === d.clientId);
        if (p?.status === 'pending') this.opts.socket.send(d.room, p.body, d.clientId);
      }
    }
  }

  private persist(p: PendingMessage): void {
    this.unsent?.put({
      clientId: p.clientId,
      room: p.room,
      body: p.body,
      createdAt: p.createdAt,
      userId: p.from.id,
      username: p.from.username,
      status: p.status,
      error: p.error,
      tab: this.tabs.id,
    });
  }

  /** Adds stored messages to a timeline; own ones that were waiting are no longer unsent. */
  private addStored(tl: Timeline, msgs: readonly Message[]): Timeline {
    const me = this.state.user?.id ?? null;
    for (const m of msgs) if (m.client_id && m.from.id === me) this.unsent?.remove(m.client_id);
    return addMessages(tl, msgs, me);
  }

  // --- frames ---

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'joined':
        this.onJoined(f.room, f.online ?? [], f.missed ?? [], !!f.missed_truncated);
        return;
      case 'message': {
        const { type: _t, ...msg } = f;
        void _t;
        this.receive(msg.room, [msg as Message]);
        // A message ends its author's typing indicator.
        this.updateRoom(msg.room, (rv) => {
          if (!rv.typing[msg.from.id]) return rv;
          const typing = { ...rv.typing };
          delete typing[msg.from.id];
          return { ...rv, typing };
        });
        return;
      }
      case 'presence':
        this.updateRoom(f.room, (rv) => {
          const others = rv.online.filter((u) => u.id !== f.user.id);
          return { ...rv, online: f.event === 'join' ? [...others, f.user] : others };
        });
        return;
      case 'typing':
        if (f.user.id === this.state.user?.id) return;
        this.updateRoom(f.room, (rv) => ({
          ...rv,
          typing: { ...rv.typing, [f.user.id]: { username: f.user.username, until: this.now() + TYPING_SHOW_MS } },
        }));
        this.ensureTypingSweep();
        return;
      case 'room_deleted': {
        const rv = this.state.rooms[f.room];
        this.opts.socket.forget(f.room);
        this.dropRoom(f.room);
        if (rv) this.notify('room_deleted', '', { room: roomTitle(rv.room, this.state.user) });
        return;
      }
      case 'notification':
        this.onNotification(f.event, f.data);
        return;
      default:
        return;
    }
  }

  private onJoined(room: Room, online: User[], missed: Message[], truncated: boolean): void {
    if (!this.state.rooms[room.id]) {
      this.set({ rooms: { ...this.state.rooms, [room.id]: newRoomView(room, this.readMarks()[room.id] ?? 0) } });
    }
    this.updateRoom(room.id, (rv) => ({ ...rv, room: { ...rv.room, ...room, joined: true }, online }));
    this.receive(room.id, missed);
    if (truncated) void this.catchUp(room.id);
    const rv = this.state.rooms[room.id];
    if (rv && rv.timeline.messages.length === 0) void this.loadPreview(room.id);
    if (this.state.activeRoomId === room.id && rv && !rv.historyLoaded) void this.loadNewest(room.id);
  }

  /** Adds stored messages to a room and counts the new ones from others as unread. */
  private receive(roomId: number, msgs: readonly Message[]): void {
    if (!msgs.length) return;
    const me = this.state.user?.id ?? null;
    this.updateRoom(roomId, (rv) => {
      const before = lastId(rv.timeline) ?? 0;
      const timeline = this.addStored(rv.timeline, msgs);
      const fresh = msgs.filter((m) => m.id > Math.max(before, rv.lastRead) && m.from.id !== me).length;
      return { ...rv, timeline, unread: rv.unread + fresh };
    });
    this.markReadIfVisible(roomId);
  }

  /** Pages on with REST `after` when `joined` could not carry every missed message. */
  private async catchUp(roomId: number): Promise<void> {
    for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
      const after = lastId(this.state.rooms[roomId]?.timeline ?? emptyTimeline);
      if (after === undefined) return;
      let res;
      try {
        res = await this.opts.api.messagesAfter(roomId, after, 100);
      } catch (e) {
        this.handleError(e);
        return;
      }
      this.receive(roomId, res.messages);
      if (res.next_after === null || res.next_after === undefined || res.messages.length === 0) return;
    }
    // Too far behind to page through: start again from the newest page.
    this.updateRoom(roomId, (rv) => ({
      ...rv,
      timeline: { messages: [], pending: rv.timeline.pending },
      historyLoaded: false,
      hasOlder: true,
      unreadMore: true,
    }));
    if (this.state.activeRoomId === roomId) await this.loadNewest(roomId);
  }

  private async loadPreview(roomId: number): Promise<void> {
    try {
      const page = await this.opts.api.messagesBefore(roomId, undefined, 1);
      this.updateRoom(roomId, (rv) => ({ ...rv, timeline: this.addStored(rv.timeline, page.messages) }));
    } catch {
      /* a preview is optional */
    }
  }

  // --- reading ---

  openRoom(id: number | null): void {
    this.set({ activeRoomId: id });
    if (id === null) return;
    const rv = this.state.rooms[id];
    if (rv?.room.joined && !rv.historyLoaded) void this.loadNewest(id);
    this.markReadIfVisible(id);
  }

  /** Marks the active room read when the user can see it. */
  markReadIfVisible(roomId = this.state.activeRoomId): void {
    if (roomId === null || roomId !== this.state.activeRoomId || !this.isVisible()) return;
    const rv = this.state.rooms[roomId];
    if (!rv) return;
    const last = lastId(rv.timeline) ?? rv.lastRead;
    if (rv.unread === 0 && !rv.unreadMore && last <= rv.lastRead) return;
    this.saveReadMark(roomId, last);
    this.updateRoom(roomId, (r) => ({ ...r, unread: 0, unreadMore: false, lastRead: Math.max(r.lastRead, last) }));
  }

  async loadNewest(roomId: number): Promise<void> {
    const rv = this.state.rooms[roomId];
    if (!rv || rv.loadingOlder) return;
    this.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.opts.api.messagesBefore(roomId, undefined, 50);
      this.updateRoom(roomId, (r) => {
        const timeline = this.addStored(r.timeline, page.messages);
        // next_before is null exactly when this page holds the room's oldest message.
        const hasOlder = page.messages.length > 0 && page.next_before !== null && page.next_before !== undefined;
        return { ...r, timeline, historyLoaded: true, hasOlder, loadingOlder: false };
      });
      this.markReadIfVisible(roomId);
    } catch (e) {
      this.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.handleError(e);
    }
  }

  async loadOlder(roomId: number): Promise<void> {
    const rv = this.state.rooms[roomId];
    if (!rv || rv.loadingOlder || !rv.hasOlder) return;
    if (!rv.historyLoaded) return this.loadNewest(roomId);
    const before = firstId(rv.timeline);
    if (before === undefined) return this.loadNewest(roomId);
    this.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.opts.api.messagesBefore(roomId, before, 50);
      this.updateRoom(roomId, (r) => ({
        ...r,
        timeline: this.addStored(r.timeline, page.messages),
        hasOlder: page.next_before !== null && page.next_before !== undefined && page.messages.length > 0,
        loadingOlder: false,
      }));
    } catch (e) {
      this.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.handleError(e);
    }
  }

  // --- writing ---

  send(roomId: number, body: string): void {
    const user = this.state.user;
    if (!user || !body.trim()) return;
    if (!this.state.rooms[roomId]) return;
    const clientId = newClientId();
    const p: PendingMessage = {
      clientId,
      room: roomId,
      body,
      from: { id: user.id, username: user.username },
      createdAt: new Date(this.now()).toISOString(),
      status: 'pending',
    };
    this.updateRoom(roomId, (rv) => ({ ...rv, timeline: addPending(rv.timeline, p) }));
    this.persist(p);
    this.lastTypingSent.delete(roomId);
    if (this.restored) this.opts.socket.send(roomId, body, clientId);
    else this.deferred.push({ room: roomId, clientId });
  }

  /** Sends a failed message again with the same client_id, so the server stores it at most once. */
  retry(roomId: number, clientId: string): void {
    const p = this.state.rooms[roomId]?.timeline.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    this.updateRoom(roomId, (rv) => ({ ...rv, timeline: setPendingStatus(rv.timeline, clientId, 'pending') }));
    this.persist({ ...p, status: 'pending', error: undefined });
    this.opts.socket.send(roomId, p.body, clientId);
  }

  discard(roomId: number, clientId: string): void {
    this.unsent?.remove(clientId);
    this.updateRoom(roomId, (rv) => ({
      ...rv,
      timeline: { ...rv.timeline, pending: rv.timeline.pending.filter((p) => p.clientId !== clientId) },
    }));
  }

  typing(roomId: number): void {
    const last = this.lastTypingSent.get(roomId) ?? 0;
    if (this.now() - last < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent.set(roomId, this.now());
    this.opts.socket.typing(roomId);
  }

  private ensureTypingSweep(): void {
    if (this.typingTimer) return;
    this.typingTimer = setInterval(() => {
      const now = this.now();
      let any = false;
      let changed = false;
      const rooms = { ...this.state.rooms };
      for (const [id, rv] of Object.entries(rooms)) {
        const entries = Object.entries(rv.typing);
        if (!entries.length) continue;
        const alive = entries.filter(([, t]) => t.until > now);
        any ||= alive.length > 0;
        if (alive.length !== entries.length) {
          rooms[Number(id)] = { ...rv, typing: Object.fromEntries(alive) };
          changed = true;
        }
      }
      if (changed) this.set({ rooms });
      if (!any && this.typingTimer) {
        clearInterval(this.typingTimer);
        this.typingTimer = null;
      }
    }, 1000);
  }

  // --- rooms ---

  private addRoom(room: Room): void {
    const old = this.state.rooms[room.id];
    const rv = old ? { ...old, room: { ...old.room, ...room, joined: true } } : newRoomView({ ...room, joined: true }, 0);
    this.set({ rooms: { ...this.state.rooms, [room.id]: rv } });
    this.opts.socket.join(room.id);
  }

  private dropRoom(id: number): void {
    if (!this.state.rooms[id]) return;
    const rooms = { ...this.state.rooms };
    delete rooms[id];
    this.set({ rooms, activeRoomId: this.state.activeRoomId === id ? null : this.state.activeRoomId });
  }

  async createRoom(name: string, isPrivate: boolean, accessCode?: string): Promise<Room> {
    const room = await this.opts.api.createRoom(name, isPrivate, accessCode);
    this.addRoom(room);
    return room;
  }

  async joinRoom(id: number, accessCode?: string): Promise<Room> {
    const room = await this.opts.api.joinRoom(id, accessCode);
    this.addRoom(room);
    return room;
  }

  async startDm(username: string): Promise<Room> {
    const room = await this.opts.api.dm(username);
    this.addRoom(room);
    return room;
  }

  async leaveRoom(id: number): Promise<void> {
    await this.opts.api.leaveRoom(id);
    this.opts.socket.leave(id);
    const rv = this.state.rooms[id];
    if (rv && !rv.room.private) {
      this.set({
        rooms: { ...this.state.rooms, [id]: newRoomView({ ...rv.room, joined: false, member_count: Math.max(0, rv.room.member_count - 1) }, rv.lastRead) },
        activeRoomId: this.state.activeRoomId === id ? null : this.state.activeRoomId,
      });
    } else {
      this.dropRoom(id);
    }
  }

  async deleteRoom(id: number): Promise<void> {
    await this.opts.api.deleteRoom(id);
    this.opts.socket.forget(id);
    this.dropRoom(id);
  }

  members(id: number): Promise<Member[]> {
    return this.opts.api.members(id);
  }

  addMember(id: number, username: string): Promise<unknown> {
    return this.opts.api.addMember(id, username);
  }

  /** Skips the backoff wait and reconnects now. */
  reconnectNow(): void {
    this.opts.socket.reconnectNow();
  }

  /** Publish-API and server events: a short notice; a room someone added us to appears at once. */
  private onNotification(event: string, data: unknown): void {
    const d = (data ?? {}) as { room?: { name?: string }; role?: string };
    if (event === 'room.member_added') {
      void this.refreshRooms();
      this.notify('member_added', '', { room: d.room?.name ?? '' });
    } else if (event === 'user.role_changed') {
      this.notify('role_changed', '', { role: d.role ?? '' });
    } else {
      this.notify('notification', '', { event });
    }
  }

  // --- notices ---

  notify(code: string, message: string, params?: Record<string, string | number>): void {
    const id = ++this.noticeSeq;
    const notices = [...this.state.notices.filter((n) => !(n.code === code && n.message === message)), { id, code, message, params }];
    this.set({ notices: notices.slice(-4) });
    setTimeout(() => this.dismiss(id), 8000);
  }

  dismiss(id: number): void {
    if (!this.state.notices.some((n) => n.id === id)) return;
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  handleError(e: unknown): void {
    if (e instanceof SessionExpiredError) {
      this.set({ user: null });
      return;
    }
    // While the connection banner already says we are reconnecting, failed fetches add nothing.
    if (e instanceof ApiError && e.code === 'network' && this.state.connection.state !== 'open') return;
    if (e instanceof ApiError) this.notify(e.code, e.message);
    else this.notify('internal', (e as Error)?.message ?? String(e));
  }
}
