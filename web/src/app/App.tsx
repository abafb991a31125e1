import { useEffect, useMemo } from 'react';
import { AdminPage } from '../components/admin/AdminPage';
import { AdminUsersPage } from '../components/admin/users/AdminUsersPage';
import { ChatLayout } from '../components/layout/ChatLayout';
import { LoginPage } from '../components/login/LoginPage';
import { SettingsPage } from '../components/settings/SettingsPage';
import { I18nContext } from '../i18n/i18nContext';
import { pickLanguage, strings } from '../i18n/strings';
import { account, api, REFRESH_KEY } from './session';
import { usePath } from './usePath';
import { useSessionPhase } from './useSessionPhase';

/** The app: the language, then by session phase and path the login page, the dashboard or the chat. */
export function App() {
  const lang = useMemo(() => pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]), []);
  const t = strings(lang);
  const [path, navigate] = usePath();
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const { phase, onAuthed, logout } = useSessionPhase();

  let body;
  if (phase.kind === 'resuming') {
    body = (
      <div className="splash" role="status">
        {t.connecting}
      </div>
    );
  } else if (phase.kind === 'anonymous') {
    body = <LoginPage api={api} onAuthed={onAuthed} reason={phase.reason} />;
  } else if (path === '/settings') {
    const everywhere = () => void account.logoutEverywhere(localStorage.getItem(REFRESH_KEY)).finally(logout);
    body = <SettingsPage account={account} navigate={navigate} onLogout={logout} onLogoutEverywhere={everywhere} />;
  } else if (path === '/admin/users') {
    body = <AdminUsersPage account={account} user={phase.user} navigate={navigate} onLogout={logout} />;
  } else if (path === '/admin') {
    body = <AdminPage api={api} user={phase.user} navigate={navigate} onLogout={logout} />;
  } else {
    body = <ChatLayout chat={phase.chat} path={path} navigate={navigate} onLogout={logout} />;
  }
  return <I18nContext.Provider value={{ t, lang }}>{body}</I18nContext.Provider>;
}
