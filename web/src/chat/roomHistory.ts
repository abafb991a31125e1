// Fills each room's timeline from the server: live frames and `joined.missed`, the newest page and
// older ones with `before` as the user scrolls back, a one-message preview for the sidebar, and a
// window around an older message (a search result) with newer pages after it until it meets the
// messages held from the live stream. Every message seen in the contiguous history moves the
// room's catch-up cursor (the largest id or rev seen).

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import { positionOf } from './messageChanges';
import type { Notices } from './notices';
import type { ServerReadState } from './serverReadState';
import type { RoomView } from './chatState';
import { addMessages, firstId, indexOfFirstAbove, type Timeline } from './timeline';
import type { UnsentMessages } from './unsentMessages';

const PAGE_SIZE = 50;

export class RoomHistory {
  /** Per room, bumped whenever the timeline is replaced: a page fetched before that is dropped. */
  private readonly epochs = new Map<number, number>();

  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
    private readonly readState: ServerReadState,
    private readonly unsent: UnsentMessages,
    private readonly notices: Notices,
  ) {}

  /** Adds stored messages to a room (live, missed, catch-up pages); the open room is read on. */
  receive(roomId: number, msgs: readonly Message[]): void {
    if (!msgs.length) return;
    this.core.updateRoom(roomId, (rv) => ({ ...rv, timeline: this.addStored(rv.timeline, msgs), cursor: Math.max(rv.cursor, positionOf(msgs)) }));
    this.readState.markReadIfReading(roomId);
  }

  /** The room's last message, for the sidebar, when the server's room list did not carry it. */
  async loadPreview(roomId: number): Promise<void> {
    try {
      const page = await this.api.messagesBefore(roomId, undefined, 1);
      this.addPage(roomId, page.messages);
    } catch {
      /* a preview is optional */
    }
  }

  async loadNewest(roomId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    if (!rv || rv.loadingOlder) return;
    const epoch = this.epoch(roomId);
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.api.messagesBefore(roomId, undefined, PAGE_SIZE);
      if (epoch !== this.epoch(roomId)) return;
      this.addPage(roomId, page.messages);
      // next_before is null exactly when this page holds the room's oldest message.
      const hasOlder = page.messages.length > 0 && page.next_before !== null && page.next_before !== undefined;
      this.core.updateRoom(roomId, (r) => ({ ...r, historyLoaded: true, hasOlder, loadingOlder: false }));
      this.readState.markReadIfReading(roomId);
    } catch (e) {
      if (epoch === this.epoch(roomId)) this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.notices.handleError(e);
    }
  }

  async loadOlder(roomId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    if (!rv || rv.loadingOlder || !rv.hasOlder) return;
    if (!rv.historyLoaded) return this.loadNewest(roomId);
    const before = firstId(rv.timeline);
    if (before === undefined) return this.loadNewest(roomId);
    const epoch = this.epoch(roomId);
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.api.messagesBefore(roomId, before, PAGE_SIZE);
      if (epoch !== this.epoch(roomId)) return;
      // Older pages of a window far back do not move the cursor: the live stream is not contiguous with them.
      if (this.core.state.rooms[roomId]?.gapAfter === null) this.addPage(roomId, page.messages);
      else this.core.updateRoom(roomId, (r) => ({ ...r, timeline: this.addStored(r.timeline, page.messages) }));
      const hasOlder = page.next_before !== null && page.next_before !== undefined && page.messages.length > 0;
      this.core.updateRoom(roomId, (r) => ({ ...r, hasOlder, loadingOlder: false }));
    } catch (e) {
      if (epoch === this.epoch(roomId)) this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.notices.handleError(e);
    }
  }

  /**
   * Shows the message `id` with its neighbours (`around`), whatever was loaded. Messages held that
   * reach the newest one (the live stream, the newest page) are kept; when the window does not
   * meet them a gap is left after it, closed by `loadNewer`. False when the window did not load.
   */
  async loadAround(roomId: number, id: number): Promise<boolean> {
    if (!this.core.state.rooms[roomId]) return false;
    const epoch = this.bump(roomId);
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true, loadingNewer: true }));
    let page;
    try {
      page = await this.api.messagesAround(roomId, id, PAGE_SIZE);
    } catch (e) {
      if (epoch === this.epoch(roomId)) {
        this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false, loadingNewer: false }));
        // Opening the room waited for this window: show its newest messages instead.
        if (this.core.state.activeRoomId === roomId && !this.core.state.rooms[roomId]?.historyLoaded) void this.loadNewest(roomId);
      }
      this.notices.handleError(e);
      return false;
    }
    if (epoch !== this.epoch(roomId)) return false; // another jump, or a fresh start, took over
    this.bump(roomId); // pages asked for before this window are not contiguous with it
    const window = [...page.messages].sort((a, b) => a.id - b.id);
    const atNewest = page.next_after === null || page.next_after === undefined;
    this.core.updateRoom(roomId, (r) => {
      const last = window[window.length - 1]?.id ?? id;
      const run = newestRun(r);
      // The window meets the messages held up to now (or is the newest itself): no gap.
      const meets = atNewest || (run.length > 0 && run[0].id <= last);
      const kept = atNewest ? run.slice(indexOfFirstAbove(run, last)) : run;
      return {
        ...r,
        timeline: this.addStored({ messages: kept, pending: r.timeline.pending }, window),
        cursor: meets ? Math.max(r.cursor, positionOf(window)) : r.cursor,
        historyLoaded: true,
        hasOlder: page.next_before !== null && page.next_before !== undefined,
        gapAfter: meets ? null : last,
        loadingOlder: false,
        loadingNewer: false,
      };
    });
    this.readState.markReadIfReading(roomId);
    return true;
  }

  /** The next page after a window far back; the gap closes when it meets the messages held above it. */
  async loadNewer(roomId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    if (!rv || rv.gapAfter === null || rv.loadingNewer) return;
    const epoch = this.epoch(roomId);
    const after = rv.gapAfter;
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingNewer: true }));
    let page;
    try {
      page = await this.api.messagesAfter(roomId, after, PAGE_SIZE);
    } catch (e) {
      if (epoch === this.epoch(roomId)) this.core.updateRoom(roomId, (r) => ({ ...r, loadingNewer: false }));
      this.notices.handleError(e);
      return;
    }
    if (epoch !== this.epoch(roomId)) return;
    const msgs = [...page.messages].sort((a, b) => a.id - b.id);
    const pageLast = msgs[msgs.length - 1]?.id;
    let closed = false;
    this.core.updateRoom(roomId, (r) => {
      if (r.gapAfter !== after) return { ...r, loadingNewer: false };
      const run = newestRun(r);
      closed = page.next_after === null || page.next_after === undefined || pageLast === undefined || (run.length > 0 && run[0].id <= pageLast);
      return {
        ...r,
        timeline: this.addStored(r.timeline, msgs),
        // Once contiguous with the live stream again, what it held moves the cursor.
        cursor: closed ? Math.max(r.cursor, positionOf(msgs)) : r.cursor,
        gapAfter: closed ? null : (pageLast ?? null),
        loadingNewer: false,
      };
    });
    if (closed) this.readState.markReadIfReading(roomId);
  }

  /** Back to the newest messages (a window far back left), then the newest page. */
  async showLatest(roomId: number): Promise<void> {
    if (!this.core.state.rooms[roomId]) return;
    this.reset(roomId, true);
    await this.loadNewest(roomId);
  }

  /**
   * Starts the timeline again: a window far back goes (with pages still on their way); with
   * `keepNewest` the messages reaching the newest one stay, else all but the unsent ones go.
   */
  reset(roomId: number, keepNewest: boolean): void {
    this.bump(roomId);
    this.core.updateRoom(roomId, (r) => ({
      ...r,
      timeline: { messages: keepNewest ? newestRun(r) : [], pending: r.timeline.pending },
      historyLoaded: false,
      hasOlder: true,
      loadingOlder: false,
      gapAfter: null,
      loadingNewer: false,
    }));
  }

  private epoch(roomId: number): number {
    return this.epochs.get(roomId) ?? 0;
  }

  private bump(roomId: number): number {
    const e = this.epoch(roomId) + 1;
    this.epochs.set(roomId, e);
    return e;
  }

  /** A history page (current states): its messages join the timeline and move the cursor. */
  private addPage(roomId: number, msgs: readonly Message[]): void {
    this.core.updateRoom(roomId, (rv) => ({ ...rv, timeline: this.addStored(rv.timeline, msgs), cursor: Math.max(rv.cursor, positionOf(msgs)) }));
  }

  /** Adds stored messages to a timeline; own ones that were waiting are no longer unsent. */
  private addStored(tl: Timeline, msgs: readonly Message[]): Timeline {
    const me = this.core.state.user?.id ?? null;
    this.unsent.stored(msgs, me);
    return addMessages(tl, msgs, me);
  }
}

/** The held messages known to reach the newest one: those above a gap, or all of them. */
function newestRun(r: RoomView): readonly Message[] {
  const list = r.timeline.messages;
  return r.gapAfter === null ? list : list.slice(indexOfFirstAbove(list, r.gapAfter));
}
