import { useState } from 'react';
import { errorText } from '../../i18n/errorText';
import { useI18n } from '../../i18n/i18nContext';
import { ApiError } from '../../net/apiError';
import type { Message } from '../../protocol/types';
import { Modal } from '../dialogs/Modal';
import { MessageBody } from './MessageBody';
import { useMessageContext } from './messageContext';

/** Asks before deleting a message (everyone then sees that it was deleted). */
export function DeleteMessageDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const { chat } = useMessageContext();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function remove() {
    setBusy(true);
    try {
      await chat.deleteMessage(message.room, message.id);
      onClose();
    } catch (e) {
      setError(e instanceof ApiError ? errorText(t, e.code, e.message) : String(e));
      setBusy(false);
    }
  }
  return (
    <Modal title={t.deleteMessageTitle} onClose={onClose}>
      <p>{t.confirmDeleteMessage}</p>
      <blockquote className="quoted-message">
        <MessageBody text={message.body} />
      </blockquote>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {t.cancel}
        </button>
        <button type="button" className="primary danger-fill" onClick={() => void remove()} disabled={busy}>
          {t.delete}
        </button>
      </div>
    </Modal>
  );
}
