import { useMemo, useSyncExternalStore } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { userNames } from '../../chat/roomMembers';
import type { User } from '../../protocol/types';
import type { MessageContextValue } from './messageContext';

/** The context value for a message list of `view` (the room's, or a thread's with `inThread`). */
export function useMessageContextValue(chat: ChatStore, view: RoomView, me: User | null, inThread: boolean): MessageContextValue {
  const names = useMemo(() => userNames(view.members, view.timeline.messages), [view.members, view.timeline.messages]);
  const knownNames = useMemo(() => {
    const s = new Set<string>([...names.values()].map((n) => n.toLowerCase()));
    if (me) s.add(me.username.toLowerCase());
    return s;
  }, [names, me]);
  const editing = useSyncExternalStore(chat.subscribe, () => chat.getState().editing);
  const editingId = editing?.room === view.room.id ? editing.id : null;
  return { chat, view, me, knownNames, names, inThread, composerId: inThread ? 'thread-composer' : 'composer', editingId };
}
