// How a room is named to the user.

import type { Room, User } from '../protocol/types';

/** The display name of a room: a DM ("dm:alice,bob") shows the other person. */
export function roomTitle(room: Room, me: User | null): string {
  if (isDm(room)) {
    const names = room.name.slice(3).split(',');
    const other = names.filter((n) => n.toLowerCase() !== me?.username.toLowerCase());
    return '@' + (other.length ? other.join(', ') : names[0]);
  }
  return room.name;
}

export function isDm(room: Room): boolean {
  return room.dm === true || (room.private && room.name.startsWith('dm:'));
}
