// Wires the app's long-lived parts together for the browser: tokens, REST client, and per login
// session a WebSocket client and a chat store.

import { Api, plainJson } from './api';
import { REFRESH_KEY, TokenManager, browserLock, indexedDbTokenStore } from './auth';
import { ChatStore } from './chatStore';
import { ChatSocket } from './socket';
import { browserTabs } from './tabs';
import { browserStorage } from './unsentStore';
import type { AuthResponse } from './types';

export const tokens = new TokenManager({
  refresh: (rt) => plainJson<AuthResponse>((i, init) => fetch(i, init), '', 'POST', '/api/auth/refresh', { refresh_token: rt }),
  storage: localStorage,
  lock: browserLock(localStorage),
  shared: indexedDbTokenStore(),
});

export const api = new Api(tokens);

/** This tab's identity among the open tabs, for sharing unsent messages. */
const tabs = browserTabs();

export function wsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws`;
}

/** A chat store with its own socket, for one logged-in session. */
export function createChat(): ChatStore {
  let store: ChatStore | null = null;
  const socket = new ChatSocket({
    url: wsUrl(),
    getToken: (force) => (force ? tokens.refresh() : tokens.getAccessToken()),
    lastSeen: (room) => store?.lastSeen(room),
  });
  store = new ChatStore({
    api,
    socket,
    storage: localStorage,
    unsentStorage: browserStorage(),
    tabs,
    isVisible: () => document.visibilityState === 'visible',
  });
  const s = store;
  const onOnline = () => socket.reconnectNow();
  const onVisible = () => s.markReadIfVisible();
  window.addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onVisible);
  s.onStop(() => {
    window.removeEventListener('online', onOnline);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return s;
}

export { REFRESH_KEY };
