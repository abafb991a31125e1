// Who is online in a room: the list `joined` brings, kept current by presence frames.

import type { User } from '../protocol/types';
import type { RoomView } from './chatState';

export function applyPresence(rv: RoomView, user: User, event: 'join' | 'leave'): RoomView {
  const others = rv.online.filter((u) => u.id !== user.id);
  return { ...rv, online: event === 'join' ? [...others, user] : others };
}
