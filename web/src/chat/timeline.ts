// One room's messages as the user sees them: stored messages ordered by id without duplicates,
// whichever way they arrived (history page, live frame, catch-up, ack), followed by the user's
// own messages that are still pending or failed. Pure functions over immutable values.

import type { Message, Upload } from '../protocol/types';

export type SendStatus = 'pending' | 'failed';

/** A message the user wrote that the server has not acknowledged yet. */
export interface PendingMessage {
  clientId: string;
  room: number;
  body: string;
  from: { id: number; username: string };
  createdAt: string;
  status: SendStatus;
  error?: string;
  /** The thread it answers (a reply), or absent. */
  replyTo?: number;
  /** Files uploaded already, sent with it (v1.1). */
  attachments?: readonly Upload[];
}

export interface Timeline {
  messages: readonly Message[]; // ascending id, unique
  pending: readonly PendingMessage[]; // in the order written
}

export const emptyTimeline: Timeline = { messages: [], pending: [] };

/** The position of a message's state: its `rev`, or its id before it ever changed. */
export function revOf(m: Message): number {
  return m.rev ?? m.id;
}

/** Whether `incoming` may replace `held` (the same message): it is not an older state. */
export function isNewerOrSame(incoming: Message, held: Message): boolean {
  return revOf(incoming) >= revOf(held);
}

/**
 * Merges messages into an ascending, duplicate-free list. A copy of a held id replaces it unless it
 * is an older state (smaller rev), so a late history page never undoes an edit seen live.
 */
export function mergeMessages(list: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return list;
  // Fast path: everything is newer than what we have, already in order.
  const last = list.length ? list[list.length - 1].id : -Infinity;
  let appendable = true;
  let prev = last;
  for (const m of incoming) {
    if (m.id <= prev) {
      appendable = false;
      break;
    }
    prev = m.id;
  }
  if (appendable) return [...list, ...incoming];
  const byId = new Map<number, Message>();
  for (const m of list) byId.set(m.id, m);
  let changed = false;
  for (const m of incoming) {
    const held = byId.get(m.id);
    if (held && !isNewerOrSame(m, held)) continue;
    byId.set(m.id, m);
    changed = true;
  }
  if (!changed) return list;
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * Replaces the state of held messages by newer ones (edits, deletions, reactions, reply counts);
 * messages not held are left out, so that a change to an old message never punches a hole in the
 * contiguous history (it shows in its current state when its page is fetched).
 */
export function replaceStates(list: readonly Message[], changes: readonly Message[]): readonly Message[] {
  let out: Message[] | null = null;
  for (const c of changes) {
    const i = indexOfId(out ?? list, c.id);
    if (i < 0) continue;
    const held = (out ?? list)[i];
    if (revOf(c) <= revOf(held)) continue;
    out ??= list.slice();
    out[i] = c;
  }
  return out ?? list;
}

/** Binary search over an ascending list; -1 when absent. */
export function indexOfId(list: readonly Message[], id: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid].id;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function withoutPending(pending: readonly PendingMessage[], clientId: string | undefined): readonly PendingMessage[] {
  if (!clientId) return pending;
  const i = pending.findIndex((p) => p.clientId === clientId);
  return i < 0 ? pending : [...pending.slice(0, i), ...pending.slice(i + 1)];
}

/** Adds stored messages; the user's own ones resolve the pending entry with the same client_id. */
export function addMessages(tl: Timeline, incoming: readonly Message[], myUserId: number | null): Timeline {
  let pending = tl.pending;
  for (const m of incoming) {
    if (m.client_id && m.from.id === myUserId) pending = withoutPending(pending, m.client_id);
  }
  const messages = mergeMessages(tl.messages, incoming);
  if (messages === tl.messages && pending === tl.pending) return tl;
  return { messages, pending };
}

/** Adds an own message, ordered by creation time (a message restored after a reload goes before newer ones). */
export function addPending(tl: Timeline, p: PendingMessage): Timeline {
  if (tl.pending.some((x) => x.clientId === p.clientId)) return tl;
  const at = tl.pending.findIndex((x) => x.createdAt > p.createdAt);
  const pending = at < 0 ? [...tl.pending, p] : [...tl.pending.slice(0, at), p, ...tl.pending.slice(at)];
  return { ...tl, pending };
}

/** The server stored a pending message: it becomes a stored message (once, however often acked). */
export function applyAck(tl: Timeline, clientId: string | undefined, id: number, ts: string): Timeline {
  const p = clientId ? tl.pending.find((x) => x.clientId === clientId) : undefined;
  if (!p) return tl;
  const msg: Message = { id, room: p.room, from: p.from, body: p.body, ts, client_id: p.clientId };
  if (p.replyTo !== undefined) msg.reply_to = p.replyTo;
  const existing = tl.messages.find((m) => m.id === id);
  return {
    messages: existing ? tl.messages : mergeMessages(tl.messages, [msg]),
    pending: withoutPending(tl.pending, clientId),
  };
}

export function setPendingStatus(tl: Timeline, clientId: string, status: SendStatus, error?: string): Timeline {
  const i = tl.pending.findIndex((x) => x.clientId === clientId);
  if (i < 0) return tl;
  const pending = tl.pending.slice();
  pending[i] = { ...pending[i], status, error };
  return { ...tl, pending };
}

/** Applies newer states of held messages (see replaceStates). */
export function applyChanges(tl: Timeline, changes: readonly Message[]): Timeline {
  const messages = replaceStates(tl.messages, changes);
  return messages === tl.messages ? tl : { ...tl, messages };
}

/** The index of the first message with an id above `id` (the list's length when none). */
export function indexOfFirstAbove(list: readonly Message[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].id <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function findMessage(tl: Timeline, id: number): Message | undefined {
  const i = indexOfId(tl.messages, id);
  return i < 0 ? undefined : tl.messages[i];
}

export function lastId(tl: Timeline): number | undefined {
  return tl.messages.length ? tl.messages[tl.messages.length - 1].id : undefined;
}

export function firstId(tl: Timeline): number | undefined {
  return tl.messages.length ? tl.messages[0].id : undefined;
}

/** The messages up to `gapAfter` (all when null): the contiguous part a view may show. */
export function contiguousPart(list: readonly Message[], gapAfter: number | null): readonly Message[] {
  return gapAfter === null ? list : list.slice(0, indexOfFirstAbove(list, gapAfter));
}
