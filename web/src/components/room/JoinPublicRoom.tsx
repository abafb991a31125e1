import { useState } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { useI18n } from '../../i18n/i18nContext';
import { ApiError } from '../../net/apiError';

/** Shown instead of the messages in a public room the user has not joined. */
export function JoinPublicRoom({ chat, roomId }: { chat: ChatStore; roomId: number }) {
  const { t } = useI18n();
  const [joinError, setJoinError] = useState<string | null>(null);
  async function joinPublic() {
    try {
      await chat.joinRoom(roomId);
      chat.openRoom(roomId);
    } catch (e) {
      setJoinError(e instanceof ApiError ? e.message : String(e));
    }
  }
  return (
    <div className="not-member">
      <p>{t.notMember}</p>
      <button type="button" className="primary" onClick={joinPublic}>
        {t.joinPublic}
      </button>
      {joinError && <p role="alert" className="form-error">{joinError}</p>}
    </div>
  );
}
