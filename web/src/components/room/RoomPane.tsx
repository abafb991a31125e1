import { useState } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { roomTitle } from '../../chat/roomTitle';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { User } from '../../protocol/types';
import { AddMemberDialog } from '../dialogs/AddMemberDialog';
import { MessageList } from '../messages/MessageList';
import { ThreadPanel } from '../threads/ThreadPanel';
import { Composer } from './Composer';
import { JoinPublicRoom } from './JoinPublicRoom';
import { MembersPanel } from './MembersPanel';
import { RoomActions } from './RoomActions';
import { RoomHeader } from './RoomHeader';
import { TypingLine } from './TypingLine';

/** The open room: header, messages, typing line and composer; beside them a thread or the members. */
export function RoomPane({ chat, view, user, navigate }: { chat: ChatStore; view: RoomView; user: User | null; navigate: (p: string) => void }) {
  const { t } = useI18n();
  const [showMembers, setShowMembers] = useState(false);
  const [adding, setAdding] = useState(false);
  const room = view.room;
  const title = roomTitle(room, user);
  const thread = view.openThread;
  const toggleMembers = () => {
    if (thread !== null) chat.closeThread(room.id);
    setShowMembers(thread !== null || !showMembers);
  };

  /** Leaves or deletes the room after the user confirmed, then goes back to the start page. */
  async function endMembership(question: string, action: (id: number) => Promise<void>) {
    if (!confirm(question)) return;
    try {
      await action(room.id);
      navigate('/');
    } catch (e) {
      chat.handleError(e);
    }
  }

  return (
    <section className="room-pane" aria-labelledby="room-title">
      <RoomHeader title={title} view={view} user={user}>
        {room.joined && (
          <RoomActions
            room={room}
            isOwner={user?.id === room.owner_id}
            showMembers={showMembers && thread === null}
            onToggleMembers={toggleMembers}
            onAddMember={() => setAdding(true)}
            onDelete={() => endMembership(t.confirmDelete, (id) => chat.deleteRoom(id))}
            onLeave={() => endMembership(t.confirmLeave, (id) => chat.leaveRoom(id))}
          />
        )}
      </RoomHeader>
      {room.joined ? (
        <div className="room-body">
          <div className="room-main">
            <MessageList chat={chat} view={view} user={user} />
            <TypingLine view={view} />
            <Composer chat={chat} roomId={room.id} roomTitle={title} members={view.members} />
          </div>
          {thread !== null ? (
            <ThreadPanel key={thread} chat={chat} view={view} user={user} parentId={thread} />
          ) : (
            showMembers && <MembersPanel chat={chat} view={view} />
          )}
        </div>
      ) : (
        <JoinPublicRoom chat={chat} roomId={room.id} />
      )}
      {adding && (
        <AddMemberDialog
          chat={chat}
          roomId={room.id}
          onClose={(added) => {
            setAdding(false);
            if (added) chat.notify('info', fmt(t.memberAdded, { name: added }));
          }}
        />
      )}
    </section>
  );
}
