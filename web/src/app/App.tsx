import { useEffect, useMemo } from 'react';
import { AdminPage } from '../components/admin/AdminPage';
import { ChatLayout } from '../components/layout/ChatLayout';
import { LoginPage } from '../components/login/LoginPage';
import { I18nContext } from '../i18n/i18nContext';
import { pickLanguage, strings } from '../i18n/strings';
import { api } from './session';
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
  } else if (path === '/admin') {
    body = <AdminPage api={api} user={phase.user} navigate={navigate} onLogout={logout} />;
  } else {
    body = <ChatLayout chat={phase.chat} path={path} navigate={navigate} onLogout={logout} />;
  }
  return <I18nContext.Provider value={{ t, lang }}>{body}</I18nContext.Provider>;
}
