import { useEffect, useRef, useState } from 'react';
import type { ChatState } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';

/**
 * The room the path `/rooms/<id>` names, opened in the chat store. A link to a room this session
 * never saw is an invitation (`invite`: join it with its code), while a known room that disappeared
 * was deleted or left (back to the start page).
 */
export function useRoomRoute(chat: ChatStore, state: ChatState, path: string, navigate: (p: string) => void) {
  const match = /^\/rooms\/(\d+)$/.exec(path);
  const routeRoom = match ? Number(match[1]) : null;

  useEffect(() => {
    chat.openRoom(routeRoom);
  }, [chat, routeRoom]);

  const known = useRef(new Set<number>());
  for (const id of Object.keys(state.rooms)) known.current.add(Number(id));
  const [invite, setInvite] = useState<number | null>(null);
  useEffect(() => {
    if (routeRoom === null || !state.roomsLoaded || state.rooms[routeRoom]) return;
    if (known.current.has(routeRoom)) navigate('/');
    else setInvite(routeRoom);
  }, [routeRoom, state.roomsLoaded, state.rooms, navigate]);

  return { routeRoom, invite, clearInvite: () => setInvite(null) };
}
