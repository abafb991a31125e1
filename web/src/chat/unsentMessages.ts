// The user's messages the server has not stored yet. Each is shown as pending (or failed) in its
// room, handed to the socket's outbox, and kept in an UnsentStore until acknowledged, so that after
// a reload or sign-in this tab's messages and those of closed tabs are shown again and the pending
// ones resent with their client_id (the server stores each once). Another open tab's are left to it.

import type { ChatSocket } from '../net/chatSocket';
import type { Message, Upload } from '../protocol/types';
import type { EnumerableStorage } from '../storage/keyValueStorage';
import type { ChatStateCore } from './chatStateCore';
import { newClientId } from './clientId';
import type { TabRegistry } from './openTabs';
import { addPending, applyAck, setPendingStatus, type PendingMessage } from './timeline';
import { UnsentStore } from './unsentStore';

export interface UnsentMessagesOptions {
  socket: ChatSocket;
  /** Where unsent messages survive a reload (null: memory only). */
  storage: EnumerableStorage | null;
  tabs: TabRegistry;
  now: () => number;
}

export class UnsentMessages {
  private store: UnsentStore | null = null;
  private restoreChain: Promise<void> = Promise.resolve();
  /** Whether stored unsent messages were restored once; sends wait for it so that order holds. */
  private restored = false;
  private deferred: Array<{ room: number; clientId: string }> = [];
  private stopped = false;

  constructor(
    private readonly core: ChatStateCore,
    private readonly opts: UnsentMessagesOptions,
  ) {}

  /** Opens the stored messages of the user signing in. */
  open(userId: number): void {
    this.store = new UnsentStore(this.opts.storage, userId, { now: this.opts.now });
  }

  stop(): void {
    this.stopped = true;
  }

  /** Shows a new message (a reply in `replyTo`'s thread) as pending and sends it. False when there is nothing to send. */
  send(roomId: number, body: string, replyTo?: number, attachments: readonly Upload[] = []): boolean {
    const user = this.core.state.user;
    if (!user || (!body.trim() && !attachments.length)) return false;
    if (!this.core.state.rooms[roomId]) return false;
    const clientId = newClientId();
    const p: PendingMessage = {
      clientId,
      room: roomId,
      body,
      from: { id: user.id, username: user.username },
      createdAt: new Date(this.opts.now()).toISOString(),
      status: 'pending',
    };
    if (replyTo !== undefined) p.replyTo = replyTo;
    if (attachments.length) p.attachments = attachments;
    this.core.updateRoom(roomId, (rv) => ({ ...rv, timeline: addPending(rv.timeline, p) }));
    this.persist(p);
    if (this.restored) this.transmit(p);
    else this.deferred.push({ room: roomId, clientId });
    return true;
  }

  /** Sends a failed message again with the same client_id, so the server stores it at most once. */
  retry(roomId: number, clientId: string): void {
    const p = this.core.state.rooms[roomId]?.timeline.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    this.core.updateRoom(roomId, (rv) => ({ ...rv, timeline: setPendingStatus(rv.timeline, clientId, 'pending') }));
    this.persist({ ...p, status: 'pending', error: undefined });
    this.transmit(p);
  }

  discard(roomId: number, clientId: string): void {
    this.store?.remove(clientId);
    this.core.updateRoom(roomId, (rv) => ({
      ...rv,
      timeline: { ...rv.timeline, pending: rv.timeline.pending.filter((p) => p.clientId !== clientId) },
    }));
  }

  /** The server stored a message: it leaves the unsent ones and joins the timeline. */
  acked(clientId: string, room: number, id: number, ts: string): void {
    this.store?.remove(clientId);
    this.core.updateRoom(room, (rv) => ({ ...rv, timeline: applyAck(rv.timeline, clientId, id, ts) }));
  }

  /** Kept (as failed) so that a reload still offers Retry and Discard instead of losing the text. */
  failed(clientId: string, room: number, code: string): void {
    this.store?.update(clientId, { status: 'failed', error: code });
    this.core.updateRoom(room, (rv) => ({ ...rv, timeline: setPendingStatus(rv.timeline, clientId, 'failed', code) }));
  }

  /** Stored messages arrived: the user's own ones among them are no longer unsent. */
  stored(msgs: readonly Message[], me: number | null): void {
    for (const m of msgs) if (m.client_id && m.from.id === me) this.store?.remove(m.client_id);
  }

  /**
   * Shows the stored unsent messages of this tab and of closed tabs in their rooms and resends the
   * pending ones with their client_id (the server stores each once). With `joinedRooms` (a fresh
   * room list), entries for rooms the user is no longer in are dropped. Closed tabs' entries are
   * adopted only with `adopt` (start and reconnects, not the periodic room poll, which could catch
   * another tab in the middle of its reload). One pass at a time.
   */
  restore(joinedRooms: Set<number> | undefined, adopt: boolean): Promise<void> {
    this.restoreChain = this.restoreChain.then(() => this.restorePass(joinedRooms, adopt)).catch(() => undefined);
    return this.restoreChain;
  }

  /** Whether the first restore pass after the room list arrived has not run yet. */
  get awaitingFirstRestore(): boolean {
    return !this.restored;
  }

  private async restorePass(joinedRooms: Set<number> | undefined, adopt: boolean): Promise<void> {
    const store = this.store;
    if (!store || this.stopped) return;
    const tabs = this.opts.tabs;
    const alive = await tabs.alive();
    if (this.stopped || store !== this.store) return;
    for (const e of store.list()) {
      if (e.tab !== tabs.id && (!adopt || alive.has(e.tab))) continue; // another tab's
      if (joinedRooms && !joinedRooms.has(e.room)) {
        store.remove(e.clientId);
        continue;
      }
      const rv = this.core.state.rooms[e.room];
      if (!rv?.room.joined) continue; // not known yet: a later pass
      if (rv.timeline.pending.some((p) => p.clientId === e.clientId)) continue; // shown already
      if (rv.timeline.messages.some((m) => m.client_id === e.clientId && m.from.id === e.userId)) {
        store.remove(e.clientId); // stored by the server already
        continue;
      }
      if (e.tab !== tabs.id) store.update(e.clientId, { tab: tabs.id });
      const p: PendingMessage = {
        clientId: e.clientId,
        room: e.room,
        body: e.body,
        from: { id: e.userId, username: e.username },
        createdAt: e.createdAt,
        status: e.status,
        error: e.error,
      };
      if (e.replyTo !== undefined) p.replyTo = e.replyTo;
      if (e.attachments?.length) p.attachments = e.attachments;
      this.core.updateRoom(e.room, (r) => ({ ...r, timeline: addPending(r.timeline, p) }));
      if (e.status === 'pending') this.transmit(p);
    }
    if (!this.restored && this.core.state.roomsLoaded) {
      this.restored = true;
      // Written before this first pass: they go out after the older restored messages.
      for (const d of this.deferred.splice(0)) {
        const p = this.core.state.rooms[d.room]?.timeline.pending.find((x) => x.clientId === d.clientId);
        if (p?.status === 'pending') this.transmit(p);
      }
    }
  }

  private transmit(p: PendingMessage): void {
    const extra: { replyTo?: number; attachments?: number[] } = {};
    if (p.replyTo !== undefined) extra.replyTo = p.replyTo;
    if (p.attachments?.length) extra.attachments = p.attachments.map((a) => a.id);
    this.opts.socket.send(p.room, p.body, p.clientId, extra);
  }

  private persist(p: PendingMessage): void {
    this.store?.put({
      clientId: p.clientId,
      room: p.room,
      body: p.body,
      createdAt: p.createdAt,
      userId: p.from.id,
      username: p.from.username,
      status: p.status,
      error: p.error,
      tab: this.opts.tabs.id,
      ...(p.replyTo !== undefined ? { replyTo: p.replyTo } : {}),
      ...(p.attachments?.length ? { attachments: [...p.attachments] } : {}),
    });
  }
}
