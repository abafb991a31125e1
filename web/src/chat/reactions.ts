// Reactions: the user's toggles on a message (an answer in the new state replaces the held copy),
// the contract's limits (an emoji is 1–32 code points without whitespace or control characters; at
// most 20 distinct ones per message), and the emoji the user picked recently, kept per user.

import type { Api } from '../net/api';
import type { Message } from '../protocol/types';
import type { KeyValueStorage } from '../storage/keyValueStorage';
import type { ChatStateCore } from './chatStateCore';
import type { MessageChanges } from './messageChanges';
import type { Notices } from './notices';

export const MAX_DISTINCT_REACTIONS = 20;
export const RECENT_EMOJI = 16;

export function isValidEmoji(emoji: string): boolean {
  const points = [...emoji];
  return points.length >= 1 && points.length <= 32 && !/[\s\p{Cc}]/u.test(emoji);
}

export function hasReacted(m: Message, emoji: string, me: number | null | undefined): boolean {
  return me != null && !!m.reactions?.some((r) => r.emoji === emoji && r.users.includes(me));
}

/** Whether one more reaction with `emoji` fits: it is there already, or there are fewer than 20. */
export function roomForReaction(m: Message, emoji: string): boolean {
  const list = m.reactions ?? [];
  return list.some((r) => r.emoji === emoji) || list.length < MAX_DISTINCT_REACTIONS;
}

/** The emoji the user picked, newest first, at most RECENT_EMOJI. */
export class RecentEmoji {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly userId: () => number | undefined,
  ) {}

  list(): string[] {
    try {
      const v = JSON.parse(this.storage.getItem(this.key()) ?? '[]') as unknown;
      return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string' && isValidEmoji(e)).slice(0, RECENT_EMOJI) : [];
    } catch {
      return [];
    }
  }

  used(emoji: string): void {
    const next = [emoji, ...this.list().filter((e) => e !== emoji)].slice(0, RECENT_EMOJI);
    try {
      this.storage.setItem(this.key(), JSON.stringify(next));
    } catch {
      /* storage full or disabled: recent emoji are a convenience */
    }
  }

  private key(): string {
    return `parley.recentEmoji.${this.userId() ?? 0}`;
  }
}

export class Reactions {
  readonly recent: RecentEmoji;

  constructor(
    private readonly core: ChatStateCore,
    private readonly api: Api,
    private readonly changes: MessageChanges,
    private readonly notices: Notices,
    storage: KeyValueStorage,
  ) {
    this.recent = new RecentEmoji(storage, () => core.state.user?.id);
  }

  /** Adds the user's reaction, or takes it back when it is there. */
  async toggle(roomId: number, id: number, emoji: string): Promise<void> {
    const m = this.changes.find(roomId, id);
    if (!m || m.deleted || !isValidEmoji(emoji)) return;
    const on = !hasReacted(m, emoji, this.core.state.user?.id);
    if (on && !roomForReaction(m, emoji)) {
      this.notices.notify('too_many_reactions', '');
      return;
    }
    if (on) this.recent.used(emoji);
    try {
      const updated = await this.api.react(roomId, id, emoji, on);
      this.changes.apply(roomId, [updated], { advance: false });
    } catch (e) {
      this.notices.handleError(e);
    }
  }
}
