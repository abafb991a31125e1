import { useCallback, useEffect, useState } from 'react';
import type { ChatStore } from '../chat/chatStore';
import type { AuthResponse, User } from '../protocol/types';
import { api, createChat, REFRESH_KEY, tokens } from './session';

export type Phase = { kind: 'resuming' } | { kind: 'anonymous'; reason?: 'expired' | 'loggedOut' } | { kind: 'in'; user: User; chat: ChatStore };

/**
 * Where the session stands: resuming a stored one after a reload, signed out (and why), or signed
 * in with a chat store of its own. The session ends on logout, an expired refresh, logout in
 * another tab (the refresh token leaves localStorage), or a chat store that lost it.
 */
export function useSessionPhase() {
  const [phase, setPhase] = useState<Phase>(() => (tokens.hasStoredSession() ? { kind: 'resuming' } : { kind: 'anonymous' }));

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

  return { phase, onAuthed, logout };
}
