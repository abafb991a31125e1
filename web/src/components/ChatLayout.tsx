import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatStore } from '../chat/chatStore';
import { fmt } from '../i18n/strings';
import { useI18n } from '../i18n/i18nContext';
import { Sidebar } from './Sidebar';
import { RoomPane } from './RoomPane';
import { ConnectionBanner } from './ConnectionBanner';
import { Notices } from './Notices';
import { JoinCodeDialog } from './Dialogs';

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
  const state = useSyncExternalStore(chat.subscribe, chat.getState);
  const [drawer, setDrawer] = useState(false);
  const match = /^\/rooms\/(\d+)$/.exec(path);
  const routeRoom = match ? Number(match[1]) : null;

  useEffect(() => {
    chat.openRoom(routeRoom);
    setDrawer(false);
  }, [chat, routeRoom]);

  // Rooms seen in this session: a link to an unknown room is an invitation (join with its code),
  // while a known room that disappeared was deleted or left (back to the start page).
  const known = useRef(new Set<number>());
  for (const id of Object.keys(state.rooms)) known.current.add(Number(id));
  const [invite, setInvite] = useState<number | null>(null);
  useEffect(() => {
    if (routeRoom === null || !state.roomsLoaded || state.rooms[routeRoom]) return;
    if (known.current.has(routeRoom)) navigate('/');
    else setInvite(routeRoom);
  }, [routeRoom, state.roomsLoaded, state.rooms, navigate]);

  const totalUnread = Object.values(state.rooms).reduce((n, rv) => n + (rv.room.joined ? rv.unread : 0), 0);
  useEffect(() => {
    document.title = totalUnread ? `(${totalUnread}) ${t.appName}` : t.appName;
  }, [totalUnread, t.appName]);

  const active = routeRoom !== null ? state.rooms[routeRoom] : undefined;
  const user = state.user;

  return (
    <div className={`app ${active ? 'has-room' : 'no-room'} ${drawer ? 'drawer-open' : ''}`}>
      <a href="#composer" className="skip-link">
        {t.composerLabel}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="icon-button menu-button"
          aria-label={drawer ? t.closeMenu : t.menu}
          aria-expanded={drawer}
          aria-controls="sidebar"
          onClick={() => setDrawer(!drawer)}
        >
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          {totalUnread > 0 && <span className="dot" aria-label={fmt(t.unread, { n: totalUnread })} />}
        </button>
        <span className="app-name">
          <img src="/favicon.svg" alt="" width="22" height="22" /> {t.appName}
        </span>
        <ConnectionBanner state={state.connection} compact />
        <span className="spacer" />
        {user?.role === 'admin' && (
          <a
            href="/admin"
            className="button ghost"
            onClick={(e) => {
              e.preventDefault();
              navigate('/admin');
            }}
          >
            {t.admin}
          </a>
        )}
        <span className="whoami" title={user?.username}>
          {user?.username}
        </span>
        <button type="button" className="ghost" onClick={onLogout}>
          {t.logout}
        </button>
      </header>
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
      <Notices notices={state.notices} onDismiss={(id) => chat.dismiss(id)} />
      {invite !== null && (
        <JoinCodeDialog
          chat={chat}
          initialRoom={invite}
          onClose={() => {
            setInvite(null);
            navigate('/');
          }}
          onDone={(id) => {
            setInvite(null);
            chat.openRoom(id);
          }}
        />
      )}
    </div>
  );
}
