import type { ChatStore } from '../../chat/chatStore';
import type { PendingMessage } from '../../chat/timeline';
import { useI18n } from '../../i18n/i18nContext';

/** Under an unsent message: "Sending…" (or waiting for the connection), or failed with Retry and Discard. */
export function PendingStatus({ chat, pending }: { chat: ChatStore; pending: PendingMessage }) {
  const { t } = useI18n();
  return (
    <div className="msg-status" role="status">
      {pending.status === 'pending' ? (
        <span>{chat.getState().connection.state === 'open' ? t.sending : t.queued}</span>
      ) : (
        <>
          <span className="failed">{t.failed}</span>
          <button type="button" className="link" onClick={() => chat.retry(pending.room, pending.clientId)}>
            {t.retry}
          </button>
          <button type="button" className="link" onClick={() => chat.discard(pending.room, pending.clientId)}>
            {t.discard}
          </button>
        </>
      )}
    </div>
  );
}
