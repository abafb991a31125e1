// v1.1 search: the results of GET /api/search grouped by room, and opening a room at a result
// (the message with its neighbours, `around`, unless the history shown holds it already).

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';
import type { RoomHistory } from './roomHistory';
import { indexOfId } from './timeline';

/** A run of results of one room, in the order the server answered (newest first). */
export interface SearchGroup {
  room: number;
  messages: Message[];
}

/** Consecutive results grouped by room, each room once, in the order it first appears. */
export function groupByRoom(msgs: readonly Message[]): SearchGroup[] {
  const out: SearchGroup[] = [];
  const byRoom = new Map<number, SearchGroup>();
  for (const m of msgs) {
    let g = byRoom.get(m.room);
    if (!g) {
      g = { room: m.room, messages: [] };
      byRoom.set(m.room, g);
      out.push(g);
    }
    g.messages.push(m);
  }
  return out;
}

/** The words of a query as the server reads them: runs of Unicode letters and digits. */
export function queryWords(q: string): string[] {
  return q.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Lower-cased and without accents, for matching words the way the server does. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * `text` cut into plain and matched parts: whole words of `q` (the last one also as a prefix),
 * case- and accent-insensitively. The views render the parts as text nodes, never as HTML.
 */
export function highlightParts(text: string, q: string): Array<{ text: string; match: boolean }> {
  const words = queryWords(q).map(fold);
  if (!words.length) return [{ text, match: false }];
  const last = words[words.length - 1];
  const whole = new Set(words.slice(0, -1));
  const parts: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = fold(m[0]);
    const start = m.index ?? 0;
    let len = 0;
    if (whole.has(w) || w === last) len = m[0].length;
    else if (w.startsWith(last)) {
      // Only the prefix is marked: find how many characters of the word fold into it.
      for (let n = 1; n <= m[0].length; n++) {
        if (fold(m[0].slice(0, n)).length >= last.length) {
          len = n;
          break;
        }
      }
    }
    if (!len) continue;
    if (start > at) parts.push({ text: text.slice(at, start), match: false });
    parts.push({ text: text.slice(start, start + len), match: true });
    at = start + len;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

export class Search {
  private seq = 0;
  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
    private readonly history: RoomHistory,
  ) {}

  run(q: string, before?: number) {
    return this.api.search(q, before === undefined ? {} : { before });
  }

  /** Marks the message to show; loads it with its neighbours when the history shown lacks it. */
  async jumpTo(roomId: number, id: number): Promise<void> {
    const seq = ++this.seq;
    this.core.set({ focus: { room: roomId, id, seq } });
    const rv = this.core.state.rooms[roomId];
    const shown = !!rv?.historyLoaded && indexOfId(rv.timeline.messages, id) >= 0 && (rv.gapAfter === null || id <= rv.gapAfter);
    if (!shown) await this.history.loadAround(roomId, id);
    // A fresh object so the list scrolls again once the message has arrived.
    if (seq === this.seq) this.core.set({ focus: { room: roomId, id, seq: ++this.seq } });
  }

  clearFocus(): void {
    if (this.core.state.focus) this.core.set({ focus: null });
  }
}
