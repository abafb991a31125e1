import type { ReactNode } from 'react';
import type { ChatState, RoomView } from '../../chat/chatState';
import { RoomItem } from './RoomItem';

/** A titled list of rooms in the sidebar; `empty` shows between the title and an empty list. */
export function RoomSection({
  id,
  title,
  rooms,
  empty,
  state,
  activeId,
  navigate,
}: {
  id: string;
  title: string;
  rooms: readonly RoomView[];
  empty?: ReactNode;
  state: ChatState;
  activeId: number | null;
  navigate: (p: string) => void;
}) {
  return (
    <>
      <h2 id={id}>{title}</h2>
      {empty}
      <ul className="room-list" aria-labelledby={id}>
        {rooms.map((rv) => (
          <RoomItem key={rv.room.id} rv={rv} state={state} active={rv.room.id === activeId} navigate={navigate} />
        ))}
      </ul>
    </>
  );
}
