// Threads, one level deep: a message's replies shown in a side panel. Opening a thread fetches its
// replies with the replies endpoint (older ones may be outside the loaded history); live replies
// arrive as messages of the room, so the panel shows both, merged by id, plus the user's unsent
// replies. Changes to the parent or a reply replace their state here as in the timeline.

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { RoomView, ThreadView } from './chatState';
import type { ChatStateCore } from './chatStateCore';
import type { Notices } from './notices';
import { findMessage, mergeMessages, replaceStates, revOf, type PendingMessage } from './timeline';

const REPLIES_PAGE = 100;
const MAX_PAGES = 20;

/** Newer states of the parents and replies of open threads. */
export function applyToThreads(threads: RoomView['threads'], changes: readonly Message[]): RoomView['threads'] {
  let out: Record<number, ThreadView> | null = null;
  for (const [key, th] of Object.entries(threads)) {
    const parentChange = changes.filter((c) => c.id === th.parent.id && revOf(c) > revOf(th.parent)).pop();
    const replies = replaceStates(th.replies, changes);
    if (!parentChange && replies === th.replies) continue;
    out ??= { ...threads };
    out[Number(key)] = { ...th, parent: parentChange ?? th.parent, replies };
  }
  return out ?? threads;
}

/** The thread's parent in its newest known state. */
export function threadParent(rv: RoomView, parentId: number): Message | undefined {
  const held = findMessage(rv.timeline, parentId);
  const opened = rv.threads[parentId]?.parent;
  if (!held || !opened) return held ?? opened;
  return revOf(opened) > revOf(held) ? opened : held;
}

/** The thread's replies: fetched and live ones by id, then the user's unsent replies as written. */
export function threadReplies(rv: RoomView, parentId: number): { messages: readonly Message[]; pending: readonly PendingMessage[] } {
  const live = rv.timeline.messages.filter((m) => m.reply_to === parentId);
  const fetched = rv.threads[parentId]?.replies ?? [];
  return { messages: mergeMessages(fetched, live), pending: rv.timeline.pending.filter((p) => p.replyTo === parentId) };
}

export class Threads {
  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
    private readonly notices: Notices,
  ) {}

  /** Opens the thread of `messageId` (a reply opens its parent's) and fetches its replies. */
  async open(roomId: number, messageId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    const picked = rv && (findMessage(rv.timeline, messageId) ?? rv.threads[messageId]?.parent);
    if (!rv || !picked) return;
    const parentId = picked.reply_to ?? picked.id;
    const parent = threadParent(rv, parentId);
    if (!parent) return;
    this.core.updateRoom(roomId, (r) => ({
      ...r,
      openThread: parentId,
      threads: { ...r.threads, [parentId]: { parent, replies: r.threads[parentId]?.replies ?? [], loading: true } },
    }));
    try {
      let after: number | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await this.api.replies(roomId, parentId, after, REPLIES_PAGE);
        this.addReplies(roomId, parentId, res.messages);
        if (res.next_after === null || res.next_after === undefined || res.messages.length === 0) break;
        after = res.next_after;
      }
    } catch (e) {
      this.notices.handleError(e);
    } finally {
      this.update(roomId, parentId, (th) => ({ ...th, loading: false }));
    }
  }

  close(roomId: number): void {
    this.core.updateRoom(roomId, (rv) => (rv.openThread === null ? rv : { ...rv, openThread: null }));
  }

  private addReplies(roomId: number, parentId: number, msgs: readonly Message[]): void {
    this.update(roomId, parentId, (th) => ({ ...th, replies: mergeMessages(th.replies, msgs) }));
  }

  private update(roomId: number, parentId: number, fn: (th: ThreadView) => ThreadView): void {
    this.core.updateRoom(roomId, (rv) => {
      const th = rv.threads[parentId];
      return th ? { ...rv, threads: { ...rv.threads, [parentId]: fn(th) } } : rv;
    });
  }
}
