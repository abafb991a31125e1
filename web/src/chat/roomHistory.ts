// Fills each room's timeline from the server: live frames and `joined.missed`, the newest page and
// older ones with `before` as the user scrolls back, catch-up pages with `after` when `joined`
// could not carry every missed message, and a one-message preview for the sidebar. New messages
// from others count as unread until the user sees them.

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import type { Notices } from './notices';
import { countUnread, type ReadState } from './readState';
import { addMessages, emptyTimeline, firstId, lastId, type Timeline } from './timeline';
import type { UnsentMessages } from './unsentMessages';

const PAGE_SIZE = 50;
const CATCH_UP_PAGE_SIZE = 100;
const CATCH_UP_MAX_PAGES = 10;

export class RoomHistory {
  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
    private readonly readState: ReadState,
    private readonly unsent: UnsentMessages,
    private readonly notices: Notices,
  ) {}

  /** Adds stored messages to a room and counts the new ones from others as unread. */
  receive(roomId: number, msgs: readonly Message[]): void {
    if (!msgs.length) return;
    const me = this.core.state.user?.id ?? null;
    this.core.updateRoom(roomId, (rv) => {
      const before = lastId(rv.timeline) ?? 0;
      const timeline = this.addStored(rv.timeline, msgs);
      return { ...rv, timeline, unread: rv.unread + countUnread(msgs, Math.max(before, rv.lastRead), me) };
    });
    this.readState.markReadIfVisible(roomId);
  }

  /** Pages on with REST `after` when `joined` could not carry every missed message. */
  async catchUp(roomId: number): Promise<void> {
    for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
      const after = lastId(this.core.state.rooms[roomId]?.timeline ?? emptyTimeline);
      if (after === undefined) return;
      let res;
      try {
        res = await this.api.messagesAfter(roomId, after, CATCH_UP_PAGE_SIZE);
      } catch (e) {
        this.notices.handleError(e);
        return;
      }
      this.receive(roomId, res.messages);
      if (res.next_after === null || res.next_after === undefined || res.messages.length === 0) return;
    }
    // Too far behind to page through: start again from the newest page.
    this.core.updateRoom(roomId, (rv) => ({
      ...rv,
      timeline: { messages: [], pending: rv.timeline.pending },
      historyLoaded: false,
      hasOlder: true,
      unreadMore: true,
    }));
    if (this.core.state.activeRoomId === roomId) await this.loadNewest(roomId);
  }

  /** The room's last message, for the sidebar, before anyone opens it. */
  async loadPreview(roomId: number): Promise<void> {
    try {
      const page = await this.api.messagesBefore(roomId, undefined, 1);
      this.core.updateRoom(roomId, (rv) => ({ ...rv, timeline: this.addStored(rv.timeline, page.messages) }));
    } catch {
      /* a preview is optional */
    }
  }

  async loadNewest(roomId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    if (!rv || rv.loadingOlder) return;
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.api.messagesBefore(roomId, undefined, PAGE_SIZE);
      this.core.updateRoom(roomId, (r) => {
        const timeline = this.addStored(r.timeline, page.messages);
        // next_before is null exactly when this page holds the room's oldest message.
        const hasOlder = page.messages.length > 0 && page.next_before !== null && page.next_before !== undefined;
        return { ...r, timeline, historyLoaded: true, hasOlder, loadingOlder: false };
      });
      this.readState.markReadIfVisible(roomId);
    } catch (e) {
      this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.notices.handleError(e);
    }
  }

  async loadOlder(roomId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    if (!rv || rv.loadingOlder || !rv.hasOlder) return;
    if (!rv.historyLoaded) return this.loadNewest(roomId);
    const before = firstId(rv.timeline);
    if (before === undefined) return this.loadNewest(roomId);
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.api.messagesBefore(roomId, before, PAGE_SIZE);
      this.core.updateRoom(roomId, (r) => ({
        ...r,
        timeline: this.addStored(r.timeline, page.messages),
        hasOlder: page.next_before !== null && page.next_before !== undefined && page.messages.length > 0,
        loadingOlder: false,
      }));
    } catch (e) {
      this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.notices.handleError(e);
    }
  }

  /** Adds stored messages to a timeline; own ones that were waiting are no longer unsent. */
  private addStored(tl: Timeline, msgs: readonly Message[]): Timeline {
    const me = this.core.state.user?.id ?? null;
    this.unsent.stored(msgs, me);
    return addMessages(tl, msgs, me);
  }
}
