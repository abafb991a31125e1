import { useState } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import { Modal } from './Modal';
import { FormFooter, useSubmit, type DialogProps } from './dialogForm';

export function CreateRoomDialog({ chat, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [priv, setPriv] = useState(false);
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const room = await chat.createRoom(name.trim(), priv, priv && code ? code : undefined);
      onDone(room.id);
    },
    (t) => ({ conflict: t.nameTaken }),
  );
  return (
    <Modal title={t.newRoom} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          {t.roomName}
          <input name="room-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="check">
          <input name="private" type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} />
          {t.privateRoom}
        </label>
        {priv && (
          <label>
            {t.accessCodeOptional}
            <input name="access-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
          </label>
        )}
        <FormFooter error={error} busy={busy} submitLabel={t.create} onCancel={onClose} />
      </form>
    </Modal>
  );
}
