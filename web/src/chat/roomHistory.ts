// Fills each room's timeline from the server: live frames and `joined.missed`, the newest page and
// older ones with `before` as the user scrolls back, and a one-message preview for the sidebar.
// Every message seen moves the room's catch-up cursor (the largest id or rev seen).

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import { positionOf } from './messageChanges';
import type { Notices } from './notices';
import type { ServerReadState } from './serverReadState';
import { addMessages, firstId, type Timeline } from './timeline';
import type { UnsentMessages } from './unsentMessages';

const PAGE_SIZE = 50;

export class RoomHistory {
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
    this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: true }));
    try {
      const page = await this.api.messagesBefore(roomId, undefined, PAGE_SIZE);
      this.addPage(roomId, page.messages);
      // next_before is null exactly when this page holds the room's oldest message.
      const hasOlder = page.messages.length > 0 && page.next_before !== null && page.next_before !== undefined;
      this.core.updateRoom(roomId, (r) => ({ ...r, historyLoaded: true, hasOlder, loadingOlder: false }));
      this.readState.markReadIfReading(roomId);
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
      this.addPage(roomId, page.messages);
      const hasOlder = page.next_before !== null && page.next_before !== undefined && page.messages.length > 0;
      this.core.updateRoom(roomId, (r) => ({ ...r, hasOlder, loadingOlder: false }));
    } catch (e) {
      this.core.updateRoom(roomId, (r) => ({ ...r, loadingOlder: false }));
      this.notices.handleError(e);
    }
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
