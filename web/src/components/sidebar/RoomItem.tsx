import type { ChatState, RoomView } from '../../chat/chatState';
import { lastMessageOf } from '../../chat/lastMessage';
import { isDm, roomTitle } from '../../chat/roomTitle';
import { unreadOf } from '../../chat/serverReadState';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';

/** A room in the sidebar: its name, mention and unread badges, and the last message (or, not joined, its size). */
export function RoomItem({
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
  const last = lastMessageOf(rv);
  const title = roomTitle(rv.room, state.user);
  const { unread, mentions } = unreadOf(rv, state.user?.id);
  const unreadLabel = unread ? (unread > 99 ? '99+' : String(unread)) : '';
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
          {mentions > 0 && (
            <span className="badge mention-badge" aria-label={fmt(mentions === 1 ? t.mentionOne : t.mentionMany, { n: mentions })}>
              @{mentions > 99 ? '99+' : mentions}
            </span>
          )}
          {unreadLabel && (
            <span className="badge unread-badge" aria-label={fmt(t.unread, { n: unread })}>
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
