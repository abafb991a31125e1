import { useSyncExternalStore } from 'react';
import type { ChatState } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';

/** The chat store's current snapshot; the component renders again on every change. */
export function useChatState(chat: ChatStore): ChatState {
  return useSyncExternalStore(chat.subscribe, chat.getState);
}
