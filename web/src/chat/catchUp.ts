// Catching up after a reconnect or a server restart: the room is joined with `since` = its cursor;
// what `joined` could not carry is paged on over REST, messages with `after` (missed_truncated) and
// changes with the changes endpoint (changed_truncated). While a gap is open the room's `since`
// is where the gap starts, so a connection lost meanwhile never skips it. A room too far behind
// starts again from its newest page.

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import type { MessageChanges } from './messageChanges';
import type { Notices } from './notices';
import type { RoomHistory } from './roomHistory';
import type { ServerReadState } from './serverReadState';
import { revOf } from './timeline';

const MISSED_PAGE = 100;
const CHANGES_PAGE = 500;
const MAX_PAGES = 10;

export class CatchUp {
  /** Per room, where an open gap starts: the last message id (missed) or rev (changes) applied. */
  private readonly gaps = new Map<number, { missed?: number; changed?: number }>();

  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
    private readonly history: RoomHistory,
    private readonly changes: MessageChanges,
    private readonly readState: ServerReadState,
    private readonly notices: Notices,
  ) {}

  /** The `since` to join with: the cursor, or the start of a gap still being filled. */
  since(roomId: number): number | undefined {
    const gap = this.gaps.get(roomId);
    const cursor = this.core.state.rooms[roomId]?.cursor ?? 0;
    const s = Math.min(cursor, gap?.missed ?? Infinity, gap?.changed ?? Infinity);
    return s > 0 ? s : undefined;
  }

  /** Applies what `joined` carried and pages on for what it could not. */
  joined(roomId: number, missed: readonly Message[], missedTruncated: boolean, changed: readonly Message[], changedTruncated: boolean): void {
    this.history.receive(roomId, missed);
    this.changes.apply(roomId, changed);
    const gap = { ...this.gaps.get(roomId) };
    if (missedTruncated && missed.length) gap.missed = missed[missed.length - 1].id;
    if (changedTruncated && changed.length) gap.changed = revOf(changed[changed.length - 1]);
    if (gap.missed === undefined && gap.changed === undefined) return;
    this.gaps.set(roomId, gap);
    if (missedTruncated) void this.pageMissed(roomId);
    if (changedTruncated) void this.pageChanges(roomId);
  }

  /** Pages on with REST `after` from the last missed message. */
  private async pageMissed(roomId: number): Promise<void> {
    for (let page = 0; page < MAX_PAGES; page++) {
      const after = this.gaps.get(roomId)?.missed;
      if (after === undefined) return;
      let res;
      try {
        res = await this.api.messagesAfter(roomId, after, MISSED_PAGE);
      } catch (e) {
        return this.notices.handleError(e); // the gap stays open: the next join asks from its start
      }
      this.history.receive(roomId, res.messages);
      if (res.next_after === null || res.next_after === undefined || res.messages.length === 0) return this.close(roomId, 'missed');
      this.setGap(roomId, 'missed', res.messages[res.messages.length - 1].id);
    }
    await this.startOver(roomId);
  }

  /** Pages on with the changes endpoint from the last change applied. */
  private async pageChanges(roomId: number): Promise<void> {
    for (let page = 0; page < MAX_PAGES; page++) {
      const since = this.gaps.get(roomId)?.changed;
      if (since === undefined) return;
      let res;
      try {
        res = await this.api.changes(roomId, since, CHANGES_PAGE);
      } catch (e) {
        return this.notices.handleError(e);
      }
      this.changes.apply(roomId, res.messages);
      const last = res.messages[res.messages.length - 1];
      if (res.next_since === null || res.next_since === undefined || !last) return this.close(roomId, 'changed');
      this.setGap(roomId, 'changed', res.next_since);
    }
    await this.startOver(roomId);
  }

  private setGap(roomId: number, kind: 'missed' | 'changed', at: number): void {
    this.gaps.set(roomId, { ...this.gaps.get(roomId), [kind]: at });
  }

  private close(roomId: number, kind: 'missed' | 'changed'): void {
    const gap = { ...this.gaps.get(roomId) };
    delete gap[kind];
    if (gap.missed === undefined && gap.changed === undefined) this.gaps.delete(roomId);
    else this.gaps.set(roomId, gap);
  }

  /** Too far behind to page through: the timeline starts again from the newest page. */
  private async startOver(roomId: number): Promise<void> {
    this.gaps.delete(roomId);
    this.history.reset(roomId, false);
    this.core.updateRoom(roomId, (rv) => ({ ...rv, threads: {}, openThread: null }));
    // The badges counted held messages above the server's base: ask for a fresh one.
    await this.api.room(roomId).then(
      (room) => this.readState.applyRoom(room),
      () => undefined,
    );
    if (this.core.state.activeRoomId === roomId) await this.history.loadNewest(roomId);
  }
}
