import { createContext, useContext } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import type { User } from '../../protocol/types';

/** What every message row of one list needs: the store, the room, who is reading, names. */
export interface MessageContextValue {
  chat: ChatStore;
  view: RoomView;
  me: User | null;
  /** Lower-cased usernames that `@` may name here (members and the user). */
  knownNames: ReadonlySet<string>;
  /** Usernames by id, for who reacted. */
  names: ReadonlyMap<number, string>;
  /** The list is a thread's (no "reply" action, replies are not linked again). */
  inThread: boolean;
  /** The composer to focus again after an edit. */
  composerId: string;
  /** The message of this room being edited in place, if any. */
  editingId: number | null;
}

export const MessageContext = createContext<MessageContextValue | null>(null);

export function useMessageContext(): MessageContextValue {
  const v = useContext(MessageContext);
  if (!v) throw new Error('MessageContext is missing');
  return v;
}
