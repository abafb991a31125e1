import { useEffect } from 'react';
import type { ChatState } from '../../chat/chatState';
import { unreadOf } from '../../chat/serverReadState';

/** Unread messages over all joined rooms, also shown in the page title: "(3) Parley". */
export function useUnreadTitle(state: ChatState, appName: string): number {
  const me = state.user?.id;
  const totalUnread = Object.values(state.rooms).reduce((n, rv) => n + unreadOf(rv, me).unread, 0);
  useEffect(() => {
    document.title = totalUnread ? `(${totalUnread}) ${appName}` : appName;
  }, [totalUnread, appName]);
  return totalUnread;
}
