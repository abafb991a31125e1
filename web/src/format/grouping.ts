// Lays a room's messages out as the chat shows them: a separator per local calendar day and,
// within a day, consecutive messages of one sender grouped under one header.

export interface Groupable {
  key: string;
  senderId: number;
  senderName: string;
  date: Date;
}

export interface MessageGroup<T extends Groupable> {
  kind: 'group';
  key: string;
  senderId: number;
  senderName: string;
  date: Date;
  items: T[];
}

export interface DaySeparator {
  kind: 'day';
  key: string;
  date: Date;
}

/** A new group starts when the sender or the local day changes, or after this long a pause. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function groupMessages<T extends Groupable>(items: readonly T[]): Array<MessageGroup<T> | DaySeparator> {
  const out: Array<MessageGroup<T> | DaySeparator> = [];
  let day = '';
  let group: MessageGroup<T> | null = null;
  for (const it of items) {
    const dk = dayKey(it.date);
    if (dk !== day) {
      day = dk;
      out.push({ kind: 'day', key: `day-${dk}`, date: it.date });
      group = null;
    }
    const lastItem = group?.items[group.items.length - 1];
    if (!group || group.senderId !== it.senderId || !lastItem || it.date.getTime() - lastItem.date.getTime() > GROUP_GAP_MS) {
      group = { kind: 'group', key: `g-${it.key}`, senderId: it.senderId, senderName: it.senderName, date: it.date, items: [] };
      out.push(group);
    }
    group.items.push(it);
  }
  return out;
}

/** "Today", "Yesterday" or a localised date. */
export function dayLabel(d: Date, now: Date, locale: string, today: string, yesterday: string): string {
  if (dayKey(d) === dayKey(now)) return today;
  const y = new Date(now);
  y.setDate(now.getDate() - 1);
  if (dayKey(d) === dayKey(y)) return yesterday;
  return d.toLocaleDateString(locale, {
    weekday: 'long',
    year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

export function timeLabel(d: Date, locale: string): string {
  return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}
