// Changes to stored messages: edits, deletions (tombstones), reactions and reply counts arrive as
// whole messages in their new state (`message_updated`, `joined.changed`, change pages, REST
// answers) and replace the held copy only when newer (rev). Also the user's own edits and
// deletions, and which message is being edited in place.

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import { adjustBase } from './serverReadState';
import { applyToThreads, threadReplies } from './threads';
import { applyChanges, findMessage, revOf } from './timeline';

/** The largest position among messages: their ids and revs. */
export function positionOf(msgs: readonly Message[]): number {
  let p = 0;
  for (const m of msgs) p = Math.max(p, m.id, revOf(m));
  return p;
}

/** A message as deleted: what a tombstone keeps (the server's own state follows). */
export function tombstone(m: Message): Message {
  const kept: Message = { id: m.id, room: m.room, from: m.from, body: '', ts: m.ts, deleted: true };
  if (m.rev !== undefined) kept.rev = m.rev;
  if (m.client_id !== undefined) kept.client_id = m.client_id;
  if (m.reply_to !== undefined) kept.reply_to = m.reply_to;
  if (m.reply_count !== undefined) kept.reply_count = m.reply_count;
  if (m.last_reply_at !== undefined) kept.last_reply_at = m.last_reply_at;
  return kept;
}

export class MessageChanges {
  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
  ) {}

  /**
   * Newer states of messages of one room. `live` (a `message_updated` frame) also moves the badges
   * the server counted; `advance` moves the catch-up cursor (the ordered stream and catch-up pages,
   * not REST answers, whose live event is still to come).
   */
  apply(roomId: number, msgs: readonly Message[], { live = false, advance = true } = {}): void {
    if (!msgs.length) return;
    const me = this.core.state.user?.id;
    this.core.updateRoom(roomId, (rv) => {
      let read = rv.read;
      if (live) for (const m of msgs) read = adjustBase(read, findMessage(rv.timeline, m.id), m, me);
      const timeline = applyChanges(rv.timeline, msgs);
      const threads = applyToThreads(rv.threads, msgs);
      const cursor = advance ? Math.max(rv.cursor, positionOf(msgs)) : rv.cursor;
      if (timeline === rv.timeline && threads === rv.threads && read === rv.read && cursor === rv.cursor) return rv;
      return { ...rv, timeline, threads, read, cursor };
    });
  }

  /** Saves a new body for the user's message (an unchanged one is no edit); the editor closes. */
  async edit(roomId: number, id: number, body: string): Promise<void> {
    const held = this.find(roomId, id);
    if (held && held.body === body) {
      this.cancelEdit();
      return;
    }
    const updated = await this.api.editMessage(roomId, id, body);
    this.apply(roomId, [updated], { advance: false });
    this.cancelEdit();
  }

  /** Deletes a message (the user's own, or any as the room's owner or an admin). */
  async remove(roomId: number, id: number): Promise<void> {
    await this.api.deleteMessage(roomId, id);
    const held = this.find(roomId, id);
    if (held && !held.deleted) {
      // Shown at once; the server's `message_updated` (a newer rev) replaces it.
      this.core.updateRoom(roomId, (rv) => ({ ...rv, timeline: { ...rv.timeline, messages: rv.timeline.messages.map((m) => (m.id === id ? tombstone(m) : m)) } }));
    }
    const editing = this.core.state.editing;
    if (editing?.room === roomId && editing.id === id) this.cancelEdit();
  }

  startEdit(roomId: number, id: number): void {
    this.core.set({ editing: { room: roomId, id } });
  }

  cancelEdit(): void {
    if (this.core.state.editing) this.core.set({ editing: null });
  }

  /** Up arrow in an empty composer: edits the user's newest message there (the room, or a thread). */
  editLast(roomId: number, threadParent: number | null = null): boolean {
    const rv = this.core.state.rooms[roomId];
    const me = this.core.state.user?.id;
    if (!rv || me === undefined) return false;
    const list = threadParent === null ? rv.timeline.messages.filter((m) => m.reply_to === undefined) : threadReplies(rv, threadParent).messages;
    const mine = [...list].reverse().find((m) => m.from.id === me && !m.deleted);
    if (!mine) return false;
    this.startEdit(roomId, mine.id);
    return true;
  }

  /** A message as held: in the timeline, or in an open thread. */
  find(roomId: number, id: number): Message | undefined {
    const rv = this.core.state.rooms[roomId];
    if (!rv) return undefined;
    return findMessage(rv.timeline, id) ?? Object.values(rv.threads).flatMap((th) => [th.parent, ...th.replies]).find((m) => m.id === id);
  }
}
