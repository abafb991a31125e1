// `@username` mentions as the contract defines them: `@` at the start or after a character that is
// not a name character (A–Z a–z 0–9 _ . -), then the longest run of name characters less any
// trailing dots, matched to a username case-insensitively. Also the composer's `@` completion.

import type { Member, Message } from '../protocol/types';

const NAME_CHAR = /[A-Za-z0-9_.-]/;

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && NAME_CHAR.test(ch);
}

export interface MentionSpan {
  /** Index of the `@`. */
  start: number;
  /** Index just after the name. */
  end: number;
  name: string;
}

/** Every syntactic mention in `text` (whether the name is a member's is for the caller to say). */
export function findMentions(text: string): MentionSpan[] {
  const out: MentionSpan[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '@' || isNameChar(text[i - 1])) continue;
    let end = i + 1;
    while (isNameChar(text[end])) end++;
    let nameEnd = end;
    while (nameEnd > i + 1 && text[nameEnd - 1] === '.') nameEnd--;
    if (nameEnd > i + 1) out.push({ start: i, end: nameEnd, name: text.slice(i + 1, nameEnd) });
    i = end - 1;
  }
  return out;
}

export type MentionSegment = { kind: 'text'; text: string } | { kind: 'mention'; text: string; name: string };

/** Splits text into plain runs and the mentions of names `known` accepts (given lower-cased). */
export function mentionSegments(text: string, known: (lowerName: string) => boolean): MentionSegment[] {
  const out: MentionSegment[] = [];
  let at = 0;
  for (const m of findMentions(text)) {
    if (!known(m.name.toLowerCase())) continue;
    if (m.start > at) out.push({ kind: 'text', text: text.slice(at, m.start) });
    out.push({ kind: 'mention', text: text.slice(m.start, m.end), name: m.name });
    at = m.end;
  }
  if (at < text.length || out.length === 0) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

/** Whether a message names the user (the server's `mentions`), deleted ones never. */
export function mentionsUser(m: Message, userId: number | null | undefined): boolean {
  return !m.deleted && userId != null && (m.mentions ?? []).includes(userId);
}

/** The `@` name being typed at the caret: where its `@` is and what follows it so far. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  let i = caret;
  while (i > 0 && isNameChar(text[i - 1])) i--;
  if (i === 0 || text[i - 1] !== '@') return null;
  const at = i - 1;
  if (isNameChar(text[at - 1])) return null; // e-mail addresses and the like
  return { start: at, query: text.slice(i, caret) };
}

/** Members whose name starts with the query (then those containing it), without the user. */
export function suggestMembers(members: readonly Member[], query: string, meId: number | null | undefined, limit = 6): Member[] {
  const q = query.toLowerCase();
  const others = members.filter((m) => m.id !== meId);
  const byName = (a: Member, b: Member) => a.username.localeCompare(b.username);
  const starts = others.filter((m) => m.username.toLowerCase().startsWith(q)).sort(byName);
  const contains = q ? others.filter((m) => !m.username.toLowerCase().startsWith(q) && m.username.toLowerCase().includes(q)).sort(byName) : [];
  return [...starts, ...contains].slice(0, limit);
}

/** Replaces the name being typed (from its `@` through the rest of the word) with `@username `. */
export function completeMention(text: string, start: number, caret: number, username: string): { text: string; caret: number } {
  let end = caret;
  while (isNameChar(text[end])) end++;
  const rest = text.slice(end);
  const insert = `@${username}${rest.startsWith(' ') ? '' : ' '}`;
  const next = text.slice(0, start) + insert + rest;
  return { text: next, caret: start + insert.length + (rest.startsWith(' ') ? 1 : 0) };
}

/** Whether a `mention` frame deserves a notice: not while the user is reading that very room. */
export function alertsMention(activeRoomId: number | null, reading: boolean, frame: { room: number; message: Message }): boolean {
  return !frame.message.deleted && !(reading && activeRoomId === frame.room);
}
