import { seenBy, showsReceipts } from '../../chat/receipts';
import { isDm } from '../../chat/roomTitle';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { Message } from '../../protocol/types';
import { useMessageContext } from './messageContext';

const NAMES_SHOWN = 3;

/** Under the last message of a DM or a small room: who (besides its author) has read it. */
export function SeenBy({ message }: { message: Message | undefined }) {
  const { t } = useI18n();
  const { view, me } = useMessageContext();
  if (!message || !showsReceipts(view)) return null;
  const who = seenBy(view, message, me?.id).map((m) => m.username);
  if (!who.length) return null;
  let text: string;
  if (isDm(view.room)) text = t.seen;
  else {
    const names = who.slice(0, NAMES_SHOWN).join(', ');
    text = who.length > NAMES_SHOWN ? fmt(t.seenByMore, { names, n: who.length - NAMES_SHOWN }) : fmt(t.seenBy, { names });
  }
  return (
    <div className="seen-by" data-testid="seen-by" data-for={message.id}>
      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
        <path d="M2 12s3.5-6 10-6 10 6 10 6-3.5 6-10 6S2 12 2 12zm10 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6z" fill="currentColor" />
      </svg>
      <span>{text}</span>
    </div>
  );
}
