// The chat's state and the actions on it, independent of React. A small core holds the state
// (ChatStateCore); each part of the chat is its own module: the rooms, their history and catch-up,
// message changes, reactions, threads, members and receipts, the server's read state, unsent
// messages, typing, notices. This class composes them for one signed-in session and is what the
// views use: they read snapshots through subscribe/getState and call the actions.

import type { Api } from '../net/api';
import type { ChatSocket } from '../net/chatSocket';
import type { UploadTask } from '../net/uploads';
import type { Member, MessagePage, Room, Upload, User } from '../protocol/types';
import type { EnumerableStorage, KeyValueStorage } from '../storage/keyValueStorage';
import { memoryRecordStore, type RecordStore } from '../storage/recordStore';
import { CatchUp } from './catchUp';
import { DraftFiles, type DraftFileRecord } from './draftFiles';
import { Files } from './files';
import { ChatStateCore } from './chatStateCore';
import { MessageChanges } from './messageChanges';
import { Notices } from './notices';
import { soloTab, type TabRegistry } from './openTabs';
import { Reactions } from './reactions';
import { Receipts } from './receipts';
import { RoomHistory } from './roomHistory';
import { RoomMembers } from './roomMembers';
import { Rooms } from './rooms';
import { Search } from './search';
import { routeServerEvents } from './serverEvents';
import { ServerReadState } from './serverReadState';
import { Threads } from './threads';
import { Typing } from './typing';
import { UnsentMessages } from './unsentMessages';

export interface ChatStoreOptions {
  api: Api;
  socket: ChatSocket;
  storage: KeyValueStorage;
  /** Where unsent messages survive a reload (null: memory only). */
  unsentStorage?: EnumerableStorage | null;
  /** Where the composer's files not yet sent survive a reload (absent or null: memory only). */
  draftFileStore?: RecordStore<DraftFileRecord> | null;
  /** Which tabs are alive, so that each unsent message is resent by one tab. */
  tabs?: TabRegistry;
  /** Whether the user can see the page (visible and focused): only then is the open room read. */
  isVisible?: () => boolean;
  now?: () => number;
  roomsPollMs?: number;
}

export class ChatStore {
  private readonly core = new ChatStateCore();
  /** The composer's files not yet sent, kept across reloads. */
  readonly draftFiles: DraftFiles;
  private readonly notices: Notices;
  private readonly readState: ServerReadState;
  private readonly unsent: UnsentMessages;
  private readonly typingState: Typing;
  private readonly history: RoomHistory;
  private readonly catchUp: CatchUp;
  private readonly changes: MessageChanges;
  private readonly reactions: Reactions;
  private readonly threads: Threads;
  private readonly roomMembers: RoomMembers;
  private readonly rooms: Rooms;
  private readonly searcher: Search;
  private readonly files: Files;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private started = false;
  private stopped = false;
  private stopHooks: Array<() => void> = [];

  constructor(private readonly opts: ChatStoreOptions) {
    const now = opts.now ?? (() => Date.now());
    const socket = opts.socket;
    const isReading = opts.isVisible ?? (() => true);
    const api = opts.api;
    const core = this.core;
    this.notices = new Notices(core);
    this.readState = new ServerReadState(core, socket, api, isReading, now);
    this.draftFiles = new DraftFiles(opts.draftFileStore ?? memoryRecordStore<DraftFileRecord>(), () => this.core.state.user?.id ?? null, now);
    this.unsent = new UnsentMessages(core, { socket, storage: opts.unsentStorage ?? null, tabs: opts.tabs ?? soloTab(), now });
    this.typingState = new Typing(core, socket, now);
    this.history = new RoomHistory(core, api, this.readState, this.unsent, this.notices);
    this.changes = new MessageChanges(core, api);
    this.catchUp = new CatchUp(core, api, this.history, this.changes, this.readState, this.notices);
    this.reactions = new Reactions(core, api, this.changes, this.notices, opts.storage);
    this.threads = new Threads(core, api, this.notices);
    this.roomMembers = new RoomMembers(core, api);
    const members = this.roomMembers;
    this.rooms = new Rooms(core, { api, socket, readState: this.readState, history: this.history, catchUp: this.catchUp, members, unsent: this.unsent, notices: this.notices });
    this.searcher = new Search(core, api, this.history);
    this.files = new Files(api);
    routeServerEvents(socket, {
      core,
      notices: this.notices,
      rooms: this.rooms,
      history: this.history,
      changes: this.changes,
      readState: this.readState,
      receipts: new Receipts(core),
      members,
      unsent: this.unsent,
      typing: this.typingState,
      isReading,
      now,
    });
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
    // Read marks of the localStorage-only unread counts of earlier versions: the server keeps them now.
    try {
      this.opts.storage.removeItem(`parley.lastRead.${user.id}`);
    } catch {
      /* storage disabled */
    }
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
    this.readState.stop();
    this.files.stop();
    this.core.set({ user: null, rooms: {}, roomsLoaded: false, activeRoomId: null, connection: { state: 'closed' }, editing: null, focus: null });
  }

  /** The `since` to join a room with: its catch-up cursor (the largest id or rev seen), or the start of a gap. */
  lastSeen = (room: number): number | undefined => this.catchUp.since(room);

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
  /** The next newer page while a window far back is shown (a search result opened). */
  loadNewer(roomId: number): Promise<void> {
    return this.history.loadNewer(roomId);
  }
  /** Leaves a window far back for the newest messages. */
  showLatest(roomId: number): Promise<void> {
    return this.history.showLatest(roomId);
  }
  /** Reads the open room when the user can see it (the page became visible or focused). */
  markReadIfVisible(roomId?: number | null): void {
    this.readState.markReadIfReading(roomId);
  }
  /** Where the message list is scrolled: the room is read only with its newest message in view. */
  setAtBottom(roomId: number, atBottom: boolean): void {
    this.readState.setAtBottom(roomId, atBottom);
  }
  loadMembers(roomId: number): Promise<void> {
    return this.roomMembers.load(roomId);
  }

  // --- writing ---
  /** Sends a message, or with `replyTo` a reply in that message's thread. */
  send(roomId: number, body: string, replyTo?: number, attachments: readonly Upload[] = []): void {
    // Written below a window far back: the room goes back to its newest messages, where it lands.
    if (replyTo === undefined && this.core.state.rooms[roomId]?.gapAfter != null) void this.history.showLatest(roomId);
    if (this.unsent.send(roomId, body, replyTo, attachments)) this.typingState.sent(roomId);
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

  // --- changing messages ---
  startEdit(roomId: number, id: number): void {
    this.changes.startEdit(roomId, id);
  }
  cancelEdit(): void {
    this.changes.cancelEdit();
  }
  /** Up arrow in an empty composer: edits the user's newest message in the room (or the thread). */
  editLast(roomId: number, threadParent: number | null = null): boolean {
    const edits = this.changes.editLast(roomId, threadParent);
    // That message is among the newest, below a window far back: the window gives way to them.
    const gap = this.core.state.rooms[roomId]?.gapAfter;
    const id = this.core.state.editing?.id;
    if (edits && threadParent === null && gap != null && id !== undefined && id > gap) void this.history.showLatest(roomId);
    return edits;
  }
  /** Saves an edit; rejects (the editor stays open) when the server refuses it. */
  saveEdit(roomId: number, id: number, body: string): Promise<void> {
    return this.changes.edit(roomId, id, body);
  }
  deleteMessage(roomId: number, id: number): Promise<void> {
    return this.changes.remove(roomId, id);
  }
  toggleReaction(roomId: number, id: number, emoji: string): Promise<void> {
    return this.reactions.toggle(roomId, id, emoji);
  }
  recentEmoji(): string[] {
    return this.reactions.recent.list();
  }

  // --- threads ---
  openThread(roomId: number, messageId: number): Promise<void> {
    return this.threads.open(roomId, messageId);
  }
  closeThread(roomId: number): void {
    this.threads.close(roomId);
  }

  // --- search and files ---
  search(q: string, before?: number): Promise<MessagePage> {
    return this.searcher.run(q, before);
  }
  /** Opens a room at a message: marks it to be shown and loads it with its neighbours. */
  jumpTo(roomId: number, id: number): Promise<void> {
    return this.searcher.jumpTo(roomId, id);
  }
  clearFocus(): void {
    this.searcher.clearFocus();
  }
  upload(file: Blob, name: string, onProgress: (fraction: number) => void): UploadTask {
    return this.opts.api.upload(file, name, onProgress);
  }
  /** An object URL of an attachment's bytes, fetched with the access token. */
  fileUrl(url: string): Promise<string> {
    return this.files.objectUrl(url);
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
