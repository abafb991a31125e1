// An in-memory stand-in for the server's REST side as the chat store uses it, following the
// contract's v1.1 rules: one position sequence for messages and changes (`rev`), tombstones,
// reactions, replies with parent counters, the changes feed, read positions. Tests drive it as the
// "server" and read what the client asked for in `calls`.

import type { ChangesPage, Member, Message, MessagePage, ReadState, Room } from '../protocol/types';

export class FakeChatApi {
  private seq = 0;
  readonly messages: Message[] = [];
  readonly calls: string[] = [];
  rooms_: Room[] = [];
  members_: Member[] = [];
  lastRead = new Map<number, number>();
  /** Makes the next call of that name throw (a network error, a refusal). */
  failNext = new Map<string, Error>();

  constructor(readonly me = 1) {}

  /** Stores a message as the server would (the next position). */
  post(from: { id: number; username: string }, body: string, extra: Partial<Message> = {}, room = 7): Message {
    const id = ++this.seq;
    const m: Message = { id, room, from, body, ts: new Date(Date.UTC(2026, 0, 1, 10, 0, id % 60)).toISOString(), rev: id, ...extra };
    this.messages.push(m);
    if (m.reply_to !== undefined) this.change(m.reply_to, (p) => ({ ...p, reply_count: (p.reply_count ?? 0) + 1, last_reply_at: m.ts }));
    return m;
  }

  /** A stored change: the message's new state draws the next position. */
  change(id: number, fn: (m: Message) => Message): Message {
    const i = this.messages.findIndex((m) => m.id === id);
    const next = { ...fn(this.messages[i]), rev: ++this.seq };
    this.messages[i] = next;
    return next;
  }

  get position(): number {
    return this.seq;
  }

  private record(name: string, detail = ''): void {
    this.calls.push(detail ? `${name} ${detail}` : name);
    const err = this.failNext.get(name);
    if (err) {
      this.failNext.delete(name);
      throw err;
    }
  }

  private inRoom(room: number): Message[] {
    return this.messages.filter((m) => m.room === room);
  }

  // --- the Api methods the chat store calls ---
  async rooms(): Promise<Room[]> {
    this.record('rooms');
    return this.rooms_;
  }
  async room(id: number): Promise<Room> {
    this.record('room', String(id));
    return this.rooms_.find((r) => r.id === id)!;
  }
  async members(id: number): Promise<Member[]> {
    this.record('members', String(id));
    return this.members_;
  }
  async messagesBefore(room: number, before?: number, limit = 50): Promise<MessagePage> {
    this.record('before', `${before ?? '-'}`);
    const older = this.inRoom(room).filter((x) => before === undefined || x.id < before).sort((a, b) => b.id - a.id);
    const page = older.slice(0, limit);
    return { messages: page, next_before: older.length > limit ? page[page.length - 1].id : null };
  }
  async messagesAfter(room: number, after: number, limit = 100): Promise<MessagePage> {
    this.record('after', String(after));
    const newer = this.inRoom(room).filter((x) => x.id > after);
    const page = newer.slice(0, limit);
    return { messages: page, next_after: newer.length > limit ? page[page.length - 1].id : null };
  }
  /** The server's rule: half older, half newer, the other side filling in at either end. */
  async messagesAround(room: number, around: number, limit = 50): Promise<MessagePage> {
    this.record('around', String(around));
    const all = this.inRoom(room).sort((a, b) => a.id - b.id);
    const at = all.findIndex((m) => m.id === around);
    if (at < 0) throw Object.assign(new Error('not found'), { code: 'not_found', status: 404 });
    const olderLeft = at;
    const newerLeft = all.length - at - 1;
    const left = limit - 1;
    const nOld = Math.min(olderLeft, Math.max(Math.floor(left / 2), left - Math.min(left, newerLeft)));
    const nNew = Math.min(newerLeft, left - nOld);
    const page = all.slice(at - nOld, at + nNew + 1).reverse();
    return {
      messages: page,
      next_before: olderLeft > nOld ? page[page.length - 1].id : null,
      next_after: newerLeft > nNew ? page[0].id : null,
    };
  }
  async changes(room: number, since: number, limit = 100): Promise<ChangesPage> {
    this.record('changes', String(since));
    const changed = this.inRoom(room)
      .filter((x) => (x.rev ?? x.id) > since)
      .sort((a, b) => (a.rev ?? a.id) - (b.rev ?? b.id));
    const page = changed.slice(0, limit);
    return { messages: page, next_since: changed.length > limit ? (page[page.length - 1].rev ?? 0) : null };
  }
  async replies(room: number, parent: number, after?: number, limit = 100): Promise<MessagePage> {
    this.record('replies', `${parent} ${after ?? '-'}`);
    const all = this.inRoom(room).filter((x) => x.reply_to === parent && (after === undefined || x.id > after));
    const page = all.slice(0, limit);
    return { messages: page, next_after: all.length > limit ? page[page.length - 1].id : null };
  }
  async editMessage(_room: number, id: number, body: string): Promise<Message> {
    this.record('edit', String(id));
    return this.change(id, (m) => ({ ...m, body, edited_at: '2026-01-01T11:00:00.000Z' }));
  }
  async deleteMessage(_room: number, id: number): Promise<void> {
    this.record('delete', String(id));
    this.change(id, (m) => ({ id: m.id, room: m.room, from: m.from, ts: m.ts, body: '', deleted: true }));
  }
  async react(_room: number, id: number, emoji: string, on: boolean): Promise<Message> {
    this.record('react', `${id} ${emoji} ${on}`);
    return this.change(id, (m) => {
      const list = (m.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
      const r = list.find((x) => x.emoji === emoji);
      if (on && !r) list.push({ emoji, count: 1, users: [this.me] });
      else if (on && r && !r.users.includes(this.me)) r.users.push(this.me);
      else if (!on && r) r.users = r.users.filter((u) => u !== this.me);
      for (const x of list) x.count = x.users.length;
      return { ...m, reactions: list.filter((x) => x.count > 0) };
    });
  }
  async markRead(room: number, upTo: number): Promise<ReadState> {
    this.record('read', `${room} ${upTo}`);
    const last = Math.max(this.lastRead.get(room) ?? 0, upTo);
    this.lastRead.set(room, last);
    const unread = this.inRoom(room).filter((m) => m.id > last && !m.deleted && m.from.id !== this.me);
    return { room, last_read: last, unread: unread.length, mentions: unread.filter((m) => m.mentions?.includes(this.me)).length };
  }
}
