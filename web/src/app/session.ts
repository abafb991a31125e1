// Wires the app's long-lived parts together for the browser: tokens, REST client, and per login
// session a WebSocket client and a chat store.

import { browserLock } from '../auth/browserLock';
import { indexedDbTokenStore } from '../auth/indexedDbTokenStore';
import { REFRESH_KEY, TokenManager } from '../auth/tokenManager';
import { ChatStore } from '../chat/chatStore';
import type { DraftFileRecord } from '../chat/draftFiles';
import { browserTabs } from '../chat/openTabs';
import { AccountApi } from '../net/accountApi';
import { Api } from '../net/api';
import { ChatSocket, type SocketLike } from '../net/chatSocket';
import { plainJson } from '../net/plainJson';
import type { AuthResponse } from '../protocol/types';
import { startClientHealth } from '../health/browserHealth';
import { countingSocketFactory } from '../health/clientHealth';
import { browserStorage } from '../storage/keyValueStorage';
import { indexedDbRecordStore } from '../storage/recordStore';

export const tokens = new TokenManager({
  refresh: (rt) => plainJson<AuthResponse>((i, init) => fetch(i, init), '', 'POST', '/api/auth/refresh', { refresh_token: rt }),
  storage: localStorage,
  lock: browserLock(localStorage),
  shared: indexedDbTokenStore(),
});

export const api = new Api(tokens);
export const account = new AccountApi(api);

/** The web app's own health, reported to the server (page loads, errors, reconnects). */
export const health = startClientHealth();

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
    // v1.1: the token travels in the subprotocol list, so a connection is ready on open.
    subprotocolAuth: { currentUser: () => tokens.user },
    lastSeen: (room) => store?.lastSeen(room),
    createSocket: countingSocketFactory(health, (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike),
  });
  store = new ChatStore({
    api,
    socket,
    storage: localStorage,
    unsentStorage: browserStorage(),
    draftFileStore: indexedDbRecordStore<DraftFileRecord>('parley-drafts', 'files'),
    tabs,
    // Reading needs the page in view and focused: a tab in the background moves no read position.
    isVisible: () => document.visibilityState === 'visible' && document.hasFocus(),
  });
  const s = store;
  const onOnline = () => socket.reconnectNow();
  const onVisible = () => s.markReadIfVisible();
  window.addEventListener('online', onOnline);
  window.addEventListener('focus', onVisible);
  document.addEventListener('visibilitychange', onVisible);
  s.onStop(() => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('focus', onVisible);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return s;
}

export { REFRESH_KEY };
