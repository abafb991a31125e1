import { timeLabel, type MessageGroup as Group } from '../../format/grouping';
import { useI18n } from '../../i18n/i18nContext';
import type { MessageItem } from './messageItems';
import { MessageRow } from './MessageRow';

/** Consecutive messages of one sender under one header (name, time). */
export function MessageGroup({ group, mine }: { group: Group<MessageItem>; mine: boolean }) {
  const { lang } = useI18n();
  return (
    <div className={`group ${mine ? 'mine' : ''}`}>
      <div className="group-header">
        <span className="sender">{group.senderName}</span>
        <time dateTime={group.date.toISOString()}>{timeLabel(group.date, lang)}</time>
      </div>
      {group.items.map((it) => (
        <MessageRow key={it.key} item={it} />
      ))}
    </div>
  );
}
