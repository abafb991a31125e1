import { useCallback, useEffect, useMemo, useState } from 'react';
import { LoginPage } from '../components/LoginPage';
import { ChatLayout } from '../components/ChatLayout';
import { AdminPage } from '../components/AdminPage';
import { I18nContext } from '../i18n/i18nContext';
import { pickLanguage, strings } from '../i18n/strings';
import { api, createChat, REFRESH_KEY, tokens } from './session';
import type { ChatStore } from '../chat/chatStore';
import type { AuthResponse, User } from '../protocol/types';

/** The current path, updated on navigation (a minimal client-side router). */
function usePath(): [string, (p: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((p: string) => {
    if (p !== location.pathname) history.pushState(null, '', p);
    setPath(p);
  }, []);
  return [path, navigate];
}

type Phase = { kind: 'resuming' } | { kind: 'anonymous'; reason?: 'expired' | 'loggedOut' } | { kind: 'in'; user: User; chat: ChatStore };

export function App() {
  const lang = useMemo(() => pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]), []);
  const t = strings(lang);
  const [path, navigate] = usePath();
  const [phase, setPhase] = useState<Phase>(() => (tokens.hasStoredSession() ? { kind: 'resuming' } : { kind: 'anonymous' }));

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const enter = useCallback((user: User) => {
    const chat = createChat();
    setPhase({ kind: 'in', user, chat });
    void chat.start(user);
  }, []);

  // Resume a stored session after a reload.
  useEffect(() => {
    if (phase.kind !== 'resuming') return;
    tokens
      .refresh()
      .then(() => enter(tokens.user!))
      .catch(() => setPhase({ kind: 'anonymous', reason: tokens.hasStoredSession() ? undefined : 'expired' }));
  }, [phase.kind, enter]);

  // The session ended: expired refresh, or logout in another tab.
  useEffect(() => {
    const offExpired = tokens.onExpired(() => {
      setPhase((p) => {
        if (p.kind === 'in') p.chat.stop();
        return { kind: 'anonymous', reason: 'expired' };
      });
    });
    const onStorage = (e: StorageEvent) => {
      if (e.key === REFRESH_KEY && e.newValue === null) {
        tokens.clear();
        setPhase((p) => {
          if (p.kind === 'in') p.chat.stop();
          return { kind: 'anonymous', reason: 'loggedOut' };
        });
      }
    };
    window.addEventListener('storage', onStorage);
    return () => {
      offExpired();
      window.removeEventListener('storage', onStorage);
    };
  }, []);

  // A chat store reports a lost session by dropping its user.
  useEffect(() => {
    if (phase.kind !== 'in') return;
    const chat = phase.chat;
    const off = chat.subscribe(() => {
      if (chat.getState().user === null && !tokens.hasStoredSession()) {
        off();
        chat.stop();
        setPhase((p) => (p.kind === 'in' && p.chat === chat ? { kind: 'anonymous', reason: 'expired' } : p));
      }
    });
    return off;
  }, [phase]);

  const onAuthed = useCallback(
    (resp: AuthResponse) => {
      tokens.setSession(resp);
      enter(resp.user);
    },
    [enter],
  );

  const logout = useCallback(async () => {
    const rt = localStorage.getItem(REFRESH_KEY);
    if (phase.kind === 'in') phase.chat.stop();
    tokens.clear();
    setPhase({ kind: 'anonymous', reason: 'loggedOut' });
    await api.logout(rt);
  }, [phase]);

  let body;
  if (phase.kind === 'resuming') {
    body = (
      <div className="splash" role="status">
        {t.connecting}
      </div>
    );
  } else if (phase.kind === 'anonymous') {
    body = <LoginPage onAuthed={onAuthed} reason={phase.reason} />;
  } else if (path === '/admin') {
    body = <AdminPage user={phase.user} navigate={navigate} onLogout={logout} />;
  } else {
    body = <ChatLayout chat={phase.chat} path={path} navigate={navigate} onLogout={logout} />;
  }
  return <I18nContext.Provider value={{ t, lang }}>{body}</I18nContext.Provider>;
}
