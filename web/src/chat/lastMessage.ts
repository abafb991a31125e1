// The newest message of a room that is not deleted, for the sidebar: from the timeline when it
// holds newer messages than the server's `Room.last_message`, in the newest state held.

import type { Message } from '../protocol/types';
import type { RoomView } from './chatState';
import { findMessage, revOf } from './timeline';

export function lastMessageOf(rv: RoomView): Message | undefined {
  const msgs = rv.timeline.messages;
  let held: Message | undefined;
  for (let i = msgs.length - 1; i >= 0 && !held; i--) if (!msgs[i].deleted) held = msgs[i];
  const listed = rv.room.last_message ?? undefined;
  if (!listed) return held;
  if (held && held.id >= listed.id) return held;
  // The listed one may have changed since the list was fetched.
  const current = findMessage(rv.timeline, listed.id);
  if (current && revOf(current) >= revOf(listed)) return current.deleted ? held : current;
  return listed;
}
