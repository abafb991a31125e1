import { useState } from 'react';
import type { ChatState, RoomView } from '../chat/chatState';
import type { ChatStore } from '../chat/chatStore';
import { isDm, roomTitle } from '../chat/roomTitle';
import { fmt } from '../i18n/strings';
import { useI18n } from '../i18n/i18nContext';
import { CreateRoomDialog, DmDialog, JoinCodeDialog } from './Dialogs';

function RoomItem({
  rv,
  state,
  active,
  navigate,
}: {
  rv: RoomView;
  state: ChatState;
  active: boolean;
  navigate: (p: string) => void;
}) {
  const { t } = useI18n();
  const last = rv.timeline.messages[rv.timeline.messages.length - 1];
  const title = roomTitle(rv.room, state.user);
  const unread = rv.room.joined ? rv.unread : 0;
  const unreadLabel = unread ? (unread > 99 || rv.unreadMore ? '99+' : String(unread)) : rv.unreadMore ? '•' : '';
  return (
    <li>
      <a
        href={`/rooms/${rv.room.id}`}
        className={`room-item ${active ? 'active' : ''} ${unread ? 'has-unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        data-room-id={rv.room.id}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/rooms/${rv.room.id}`);
        }}
      >
        <span className="room-line">
          <span className="room-name">
            {rv.room.private && !isDm(rv.room) && (
              <svg className="lock" viewBox="0 0 16 16" width="13" height="13" role="img" aria-label={t.privateLabel}>
                <path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 1 0-4 0z" fill="currentColor" />
              </svg>
            )}
            {title}
          </span>
          {unreadLabel && (
            <span className="badge" aria-label={fmt(t.unread, { n: unread })}>
              {unreadLabel}
            </span>
          )}
        </span>
        {rv.room.joined && last && (
          <span className="room-last">
            <span className="room-last-from">{last.from.id === state.user?.id ? t.you : last.from.username}:</span> {last.body}
          </span>
        )}
        {!rv.room.joined && (
          <span className="room-last">
            {fmt(rv.room.member_count === 1 ? t.memberOne : t.memberMany, { n: rv.room.member_count })}
          </span>
        )}
      </a>
    </li>
  );
}

export function Sidebar({
  chat,
  state,
  activeId,
  navigate,
}: {
  chat: ChatStore;
  state: ChatState;
  activeId: number | null;
  navigate: (p: string) => void;
}) {
  const { t } = useI18n();
  const [dialog, setDialog] = useState<null | 'create' | 'join' | 'dm'>(null);
  const all = Object.values(state.rooms);
  const lastActivity = (rv: RoomView) => rv.timeline.messages[rv.timeline.messages.length - 1]?.id ?? 0;
  const byActivity = (a: RoomView, b: RoomView) => lastActivity(b) - lastActivity(a) || a.room.name.localeCompare(b.room.name);
  const mine = all.filter((rv) => rv.room.joined && !isDm(rv.room)).sort(byActivity);
  const dms = all.filter((rv) => rv.room.joined && isDm(rv.room)).sort(byActivity);
  const discover = all.filter((rv) => !rv.room.joined && !rv.room.private).sort((a, b) => a.room.name.localeCompare(b.room.name));
  const opened = (id: number) => {
    setDialog(null);
    navigate(`/rooms/${id}`);
  };

  return (
    <nav id="sidebar" className="sidebar" aria-label={t.sidebarLabel}>
      <div className="sidebar-actions">
        <button type="button" className="primary" onClick={() => setDialog('create')}>
          + {t.newRoom}
        </button>
        <button type="button" onClick={() => setDialog('join')}>
          {t.joinWithCode}
        </button>
        <button type="button" onClick={() => setDialog('dm')}>
          {t.newDm}
        </button>
      </div>
      <h2 id="mine-heading">{t.myRooms}</h2>
      {state.roomsLoaded && mine.length === 0 && <p className="muted small">{t.noRooms}</p>}
      <ul className="room-list" aria-labelledby="mine-heading">
        {mine.map((rv) => (
          <RoomItem key={rv.room.id} rv={rv} state={state} active={rv.room.id === activeId} navigate={navigate} />
        ))}
      </ul>
      {dms.length > 0 && (
        <>
          <h2 id="dm-heading">{t.directMessages}</h2>
          <ul className="room-list" aria-labelledby="dm-heading">
            {dms.map((rv) => (
              <RoomItem key={rv.room.id} rv={rv} state={state} active={rv.room.id === activeId} navigate={navigate} />
            ))}
          </ul>
        </>
      )}
      {discover.length > 0 && (
        <>
          <h2 id="discover-heading">{t.discover}</h2>
          <ul className="room-list" aria-labelledby="discover-heading">
            {discover.map((rv) => (
              <RoomItem key={rv.room.id} rv={rv} state={state} active={rv.room.id === activeId} navigate={navigate} />
            ))}
          </ul>
        </>
      )}
      {dialog === 'create' && <CreateRoomDialog chat={chat} onClose={() => setDialog(null)} onDone={opened} />}
      {dialog === 'join' && <JoinCodeDialog chat={chat} onClose={() => setDialog(null)} onDone={opened} />}
      {dialog === 'dm' && <DmDialog chat={chat} onClose={() => setDialog(null)} onDone={opened} />}
    </nav>
  );
}
