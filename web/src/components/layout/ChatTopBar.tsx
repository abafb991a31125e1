import type { ConnectionInfo } from '../../chat/chatState';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { User } from '../../protocol/types';
import { ConnectionBanner } from './ConnectionBanner';

/** The chat's top bar: the rooms-drawer button (phones), the connection dot, admin link, logout. */
export function ChatTopBar({
  user,
  connection,
  totalUnread,
  drawer,
  onToggleDrawer,
  onSearch,
  navigate,
  onLogout,
}: {
  user: User | null;
  connection: ConnectionInfo;
  totalUnread: number;
  drawer: boolean;
  onToggleDrawer: () => void;
  onSearch: () => void;
  navigate: (p: string) => void;
  onLogout: () => void;
}) {
  const { t } = useI18n();
  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label={drawer ? t.closeMenu : t.menu}
        aria-expanded={drawer}
        aria-controls="sidebar"
        onClick={onToggleDrawer}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        {totalUnread > 0 && <span className="dot" aria-label={fmt(t.unread, { n: totalUnread })} />}
      </button>
      <span className="app-name">
        <img src="/favicon.svg" alt="" width="22" height="22" /> {t.appName}
      </span>
      <ConnectionBanner state={connection} compact />
      <span className="spacer" />
      <button type="button" className="ghost search-button" onClick={onSearch} aria-label={t.searchTitle} aria-keyshortcuts="Control+K Meta+K" title={t.searchShortcut}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <circle cx="10.5" cy="10.5" r="6.5" stroke="currentColor" strokeWidth="2" fill="none" />
          <path d="M15.5 15.5L21 21" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <span className="search-button-text">{t.search}</span>
      </button>
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
      <a
        href="/settings"
        className="button ghost"
        onClick={(e) => {
          e.preventDefault();
          navigate('/settings');
        }}
      >
        {t.settings}
      </a>
      <span className="whoami" title={user?.username}>
        {user?.username}
      </span>
      <button type="button" className="ghost" onClick={onLogout}>
        {t.logout}
      </button>
    </header>
  );
}
