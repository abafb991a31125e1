import type { ChatState, RoomView } from '../../chat/chatState';
import { lastMessageOf } from '../../chat/lastMessage';
import { isDm } from '../../chat/roomTitle';

/**
 * The sidebar's sections: joined rooms and DMs with the latest activity first, then the public
 * rooms the user could join, by name.
 */
export function roomSections(state: ChatState): { mine: RoomView[]; dms: RoomView[]; discover: RoomView[] } {
  const all = Object.values(state.rooms);
  const lastActivity = (rv: RoomView) => lastMessageOf(rv)?.id ?? 0;
  const byActivity = (a: RoomView, b: RoomView) => lastActivity(b) - lastActivity(a) || a.room.name.localeCompare(b.room.name);
  return {
    mine: all.filter((rv) => rv.room.joined && !isDm(rv.room)).sort(byActivity),
    dms: all.filter((rv) => rv.room.joined && isDm(rv.room)).sort(byActivity),
    discover: all.filter((rv) => !rv.room.joined && !rv.room.private).sort((a, b) => a.room.name.localeCompare(b.room.name)),
  };
}
