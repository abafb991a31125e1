import { useEffect, useState } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { useI18n } from '../../i18n/i18nContext';
import { JoinCodeDialog } from '../dialogs/JoinCodeDialog';
import { RoomPane } from '../room/RoomPane';
import { SearchDialog } from '../search/SearchDialog';
import { Sidebar } from '../sidebar/Sidebar';
import { ChatTopBar } from './ChatTopBar';
import { ConnectionBanner } from './ConnectionBanner';
import { Notices } from './Notices';
import { useChatState } from './useChatState';
import { useRoomRoute } from './useRoomRoute';
import { useUnreadTitle } from './useUnreadTitle';

/** The chat page: top bar, rooms sidebar (a drawer on phones), the open room, notices. */
export function ChatLayout({
  chat,
  path,
  navigate,
  onLogout,
}: {
  chat: ChatStore;
  path: string;
  navigate: (p: string) => void;
  onLogout: () => void;
}) {
  const { t } = useI18n();
  const state = useChatState(chat);
  const [drawer, setDrawer] = useState(false);
  const [searching, setSearching] = useState(false);
  const { routeRoom, invite, clearInvite } = useRoomRoute(chat, state, path, navigate);
  useEffect(() => setDrawer(false), [routeRoom]);
  const totalUnread = useUnreadTitle(state, t.appName);

  // Ctrl+K (Cmd+K on a Mac) opens the search box from anywhere in the chat.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setSearching(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const active = routeRoom !== null ? state.rooms[routeRoom] : undefined;
  const user = state.user;

  return (
    <div className={`app ${active ? 'has-room' : 'no-room'} ${drawer ? 'drawer-open' : ''}`}>
      <a href="#composer" className="skip-link">
        {t.composerLabel}
      </a>
      <ChatTopBar
        user={user}
        connection={state.connection}
        totalUnread={totalUnread}
        drawer={drawer}
        onToggleDrawer={() => setDrawer(!drawer)}
        onSearch={() => setSearching(true)}
        navigate={navigate}
        onLogout={onLogout}
      />
      <ConnectionBanner state={state.connection} onRetry={() => chat.reconnectNow()} />
      <div className="main">
        <Sidebar chat={chat} state={state} activeId={routeRoom} navigate={navigate} />
        {drawer && <div className="scrim" onClick={() => setDrawer(false)} aria-hidden="true" />}
        {active ? (
          <RoomPane key={active.room.id} chat={chat} view={active} user={user} navigate={navigate} />
        ) : (
          <section className="empty-pane" aria-label={t.messages}>
            <p>{t.selectRoom}</p>
          </section>
        )}
      </div>
      {searching && (
        <SearchDialog
          chat={chat}
          state={state}
          onClose={() => setSearching(false)}
          onOpen={(room, id) => {
            setSearching(false);
            navigate(`/rooms/${room}`);
            void chat.jumpTo(room, id);
          }}
        />
      )}
      <Notices notices={state.notices} onDismiss={(id) => chat.dismiss(id)} />
      {invite !== null && (
        <JoinCodeDialog
          chat={chat}
          initialRoom={invite}
          onClose={() => {
            clearInvite();
            navigate('/');
          }}
          onDone={(id) => {
            clearInvite();
            chat.openRoom(id);
          }}
        />
      )}
    </div>
  );
}
