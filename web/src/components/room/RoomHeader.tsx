import type { ReactNode } from 'react';
import type { RoomView } from '../../chat/chatState';
import { isDm } from '../../chat/roomTitle';
import { useI18n } from '../../i18n/i18nContext';
import type { User } from '../../protocol/types';

/** The room's title, who is online (and, for a private room, its ID), and its buttons. */
export function RoomHeader({ title, view, user, children }: { title: string; view: RoomView; user: User | null; children?: ReactNode }) {
  const { t } = useI18n();
  const room = view.room;
  const others = view.online.filter((u) => u.id !== user?.id);
  return (
    <header className="room-header">
      <div className="room-heading">
        <h1 id="room-title">{title}</h1>
        <p className="room-sub" data-testid="presence">
          <span className="presence-dot online" aria-hidden="true" />
          {view.online.length} {t.online}
          {others.length > 0 && <span className="online-names">: {view.online.map((u) => u.username).join(', ')}</span>}
          {room.private && !isDm(room) && <span className="room-id"> · ID {room.id}</span>}
        </p>
      </div>
      {children}
    </header>
  );
}
