import { useEffect } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { useI18n } from '../../i18n/i18nContext';

/** The room's members, online first; fetched again when shown and when the member count changes. */
export function MembersPanel({ chat, view }: { chat: ChatStore; view: RoomView }) {
  const { t } = useI18n();
  const onlineIds = new Set(view.online.map((u) => u.id));
  const memberCount = view.room.member_count;
  useEffect(() => {
    void chat.loadMembers(view.room.id);
  }, [chat, view.room.id, memberCount]);
  const list = view.members ?? [];
  // Online users known from presence but not yet in the fetched list are shown too.
  const extra = view.online.filter((u) => !list.some((m) => m.id === u.id));
  return (
    <aside className="members" aria-label={t.members}>
      <h3>{t.members}</h3>
      <ul>
        {[...list.map((m) => ({ id: m.id, username: m.username, owner: m.role === 'owner' })), ...extra.map((u) => ({ id: u.id, username: u.username, owner: false }))]
          .sort((a, b) => Number(onlineIds.has(b.id)) - Number(onlineIds.has(a.id)) || a.username.localeCompare(b.username))
          .map((m) => (
            <li key={m.id} className={onlineIds.has(m.id) ? 'online' : 'offline'}>
              <span className="presence-dot" aria-hidden="true" />
              <span className="member-name">{m.username}</span>
              {m.owner && <span className="muted small"> · {t.owner}</span>}
              <span className="sr-only">{onlineIds.has(m.id) ? ` (${t.online})` : ''}</span>
            </li>
          ))}
      </ul>
    </aside>
  );
}
