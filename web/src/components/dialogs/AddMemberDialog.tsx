import { useState } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { useI18n } from '../../i18n/i18nContext';
import { Modal } from './Modal';
import { FormFooter, useSubmit } from './dialogForm';

export function AddMemberDialog({ chat, roomId, onClose }: { chat: ChatStore; roomId: number; onClose: (added?: string) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      await chat.addMember(roomId, username.trim());
      onClose(username.trim());
    },
    (t) => ({ not_found: t.userNotFound }),
  );
  return (
    <Modal title={t.addMember} onClose={() => onClose()}>
      <form onSubmit={submit} className="form">
        <label>
          {t.username}
          <input name="member-username" required value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <FormFooter error={error} busy={busy} submitLabel={t.add} onCancel={() => onClose()} />
      </form>
    </Modal>
  );
}
