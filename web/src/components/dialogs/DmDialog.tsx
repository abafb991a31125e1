import { useState } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import { Modal } from './Modal';
import { FormFooter, useSubmit, type DialogProps } from './dialogForm';

export function DmDialog({ chat, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const r = await chat.startDm(username.trim());
      onDone(r.id);
    },
    (t) => ({ not_found: t.userNotFound }),
  );
  return (
    <Modal title={t.newDm} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          {t.username}
          <input name="dm-username" required value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <FormFooter error={error} busy={busy} submitLabel={t.start} onCancel={onClose} />
      </form>
    </Modal>
  );
}
