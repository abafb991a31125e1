import { useState } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import { Modal } from './Modal';
import { FormFooter, useSubmit, type DialogProps } from './dialogForm';

export function JoinCodeDialog({ chat, onClose, onDone, initialRoom }: DialogProps & { initialRoom?: number }) {
  const { t } = useI18n();
  const [room, setRoom] = useState(initialRoom ? String(initialRoom) : '');
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const r = await chat.joinRoom(Number(room), code || undefined);
      onDone(r.id);
    },
    (t) => ({ forbidden: t.wrongCode, not_found: t.roomNotFound }),
  );
  return (
    <Modal title={t.joinWithCode} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          {t.roomId}
          <input name="room-id" required inputMode="numeric" pattern="[0-9]+" value={room} onChange={(e) => setRoom(e.target.value)} />
        </label>
        <label>
          {t.accessCode}
          <input name="access-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
        </label>
        <FormFooter error={error} busy={busy} submitLabel={t.join} onCancel={onClose} />
      </form>
    </Modal>
  );
}
