// A room's members with their read positions, fetched when the room is opened (and again when its
// member count changes or someone new shows up), for `@` completion, "seen by" and the members panel.

import type { Api } from '../net/api';
import type { Member, Message } from '../protocol/types';
import type { ChatStateCore } from './chatStateCore';

export class RoomMembers {
  private readonly loading = new Set<number>();

  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
  ) {}

  /** Fetches the members of a joined room; one fetch at a time per room. */
  async load(roomId: number): Promise<void> {
    const rv = this.core.state.rooms[roomId];
    if (!rv?.room.joined || this.loading.has(roomId)) return;
    this.loading.add(roomId);
    try {
      const members = await this.api.members(roomId);
      this.core.updateRoom(roomId, (r) => ({ ...r, members }));
    } catch {
      /* optional: completion and "seen by" wait for the next try */
    } finally {
      this.loading.delete(roomId);
    }
  }

  /** The open room's list: fetched when there is none yet, else refreshed when out of date. */
  ensure(roomId: number): void {
    if (this.core.state.rooms[roomId]?.members) this.refreshIfStale(roomId);
    else void this.load(roomId);
  }

  /** Fetches a list again when it is out of date: the count differs, or an unknown user is online. */
  refreshIfStale(roomId: number): void {
    const rv = this.core.state.rooms[roomId];
    if (!rv?.members) return;
    const known = new Set(rv.members.map((m) => m.id));
    if (rv.members.length !== rv.room.member_count || rv.online.some((u) => !known.has(u.id))) void this.load(roomId);
  }
}

/** Names by user id as far as the room knows them: its members, then the senders it holds. */
export function userNames(members: readonly Member[] | null, messages: readonly Message[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of messages) names.set(m.from.id, m.from.username);
  for (const m of members ?? []) names.set(m.id, m.username);
  return names;
}
