import { timeLabel } from '../../format/grouping';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { Message } from '../../protocol/types';
import { useMessageContext } from '../messages/messageContext';

/** Under a message with replies: "3 replies · last 10:42", opening its thread. */
export function RepliesLink({ message }: { message: Message }) {
  const { t, lang } = useI18n();
  const { chat, view } = useMessageContext();
  const n = message.reply_count ?? 0;
  if (n <= 0) return null;
  const open = view.openThread === message.id;
  return (
    <button type="button" className={`replies-link ${open ? 'open' : ''}`} aria-expanded={open} onClick={() => void chat.openThread(message.room, message.id)}>
      <span className="replies-count">{fmt(n === 1 ? t.replyOne : t.replyMany, { n })}</span>
      {message.last_reply_at && <span className="muted small"> · {fmt(t.lastReply, { time: timeLabel(new Date(message.last_reply_at), lang) })}</span>}
    </button>
  );
}
