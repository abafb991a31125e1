import type { Message } from '../../protocol/types';
import type { PendingMessage, Timeline } from '../../chat/timeline';
import type { Groupable } from '../../format/grouping';

/** One line of the message list: a stored message or one of the user's unsent ones. */
export interface MessageItem extends Groupable {
  message?: Message;
  pending?: PendingMessage;
  body: string;
}

/** Messages as list items: stored ones in id order, then the unsent ones as written. */
export function messageItems(list: Pick<Timeline, 'messages' | 'pending'>): MessageItem[] {
  const out: MessageItem[] = list.messages.map((m) => ({
    key: `m${m.id}`,
    senderId: m.from.id,
    senderName: m.from.username,
    date: new Date(m.ts),
    message: m,
    body: m.body,
  }));
  for (const p of list.pending) {
    out.push({ key: `p${p.clientId}`, senderId: p.from.id, senderName: p.from.username, date: new Date(p.createdAt), pending: p, body: p.body });
  }
  return out;
}

/** The room's own list: messages that are not replies (those live in their threads). */
export function roomItems(timeline: Timeline): MessageItem[] {
  return messageItems({ messages: timeline.messages.filter((m) => m.reply_to === undefined), pending: timeline.pending.filter((p) => p.replyTo === undefined) });
}
