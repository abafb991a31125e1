import { useI18n } from '../../i18n/i18nContext';

/** The top bar of the account pages: back to the chat, the page's title, logout. */
export function AccountTopBar({ title, navigate, onLogout }: { title: string; navigate: (p: string) => void; onLogout: () => void }) {
  const { t } = useI18n();
  return (
    <header className="topbar">
      <a
        href="/"
        className="button ghost"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        ← {t.backToChat}
      </a>
      <h1 className="admin-title">{title}</h1>
      <span className="spacer" />
      <button type="button" className="ghost" onClick={onLogout}>
        {t.logout}
      </button>
    </header>
  );
}
