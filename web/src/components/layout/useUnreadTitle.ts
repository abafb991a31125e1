import { useEffect } from 'react';
import type { ChatState } from '../../chat/chatState';

/** Unread messages over all joined rooms, also shown in the page title: "(3) Parley". */
export function useUnreadTitle(state: ChatState, appName: string): number {
  const totalUnread = Object.values(state.rooms).reduce((n, rv) => n + (rv.room.joined ? rv.unread : 0), 0);
  useEffect(() => {
    document.title = totalUnread ? `(${totalUnread}) ${appName}` : appName;
  }, [totalUnread, appName]);
  return totalUnread;
}
