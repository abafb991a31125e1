import type { ChatStore } from '../../chat/chatStore';
import { timeLabel, type MessageGroup as Group } from '../../format/grouping';
import { useI18n } from '../../i18n/i18nContext';
import type { MessageItem } from './messageItems';
import { MessageBody } from './MessageBody';
import { PendingStatus } from './PendingStatus';

/** Consecutive messages of one sender under one header (name, time). */
export function MessageGroup({ chat, group, mine }: { chat: ChatStore; group: Group<MessageItem>; mine: boolean }) {
  const { lang } = useI18n();
  return (
    <div className={`group ${mine ? 'mine' : ''}`}>
      <div className="group-header">
        <span className="sender">{group.senderName}</span>
        <time dateTime={group.date.toISOString()}>{timeLabel(group.date, lang)}</time>
      </div>
      {group.items.map((it) => (
        <div
          key={it.key}
          className={`msg ${it.pending ? `msg-${it.pending.status}` : ''}`}
          data-id={it.message?.id}
          data-client-id={it.pending?.clientId ?? it.message?.client_id}
          title={timeLabel(it.date, lang)}
        >
          <MessageBody text={it.body} />
          {it.pending && <PendingStatus chat={chat} pending={it.pending} />}
        </div>
      ))}
    </div>
  );
}
