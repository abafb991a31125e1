import type { Message } from '../../protocol/types';
import type { PendingMessage, Timeline } from '../../chat/timeline';
import type { Groupable } from '../../format/grouping';

/** One line of the message list: a stored message or one of the user's unsent ones. */
export interface MessageItem extends Groupable {
  message?: Message;
  pending?: PendingMessage;
  body: string;
}

/** The timeline as list items: stored messages in id order, then the unsent ones as written. */
export function messageItems(timeline: Timeline): MessageItem[] {
  const out: MessageItem[] = timeline.messages.map((m) => ({
    key: `m${m.id}`,
    senderId: m.from.id,
    senderName: m.from.username,
    date: new Date(m.ts),
    message: m,
    body: m.body,
  }));
  for (const p of timeline.pending) {
    out.push({ key: `p${p.clientId}`, senderId: p.from.id, senderName: p.from.username, date: new Date(p.createdAt), pending: p, body: p.body });
  }
  return out;
}
