import { useState } from 'react';
import type { ChatState } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { useI18n } from '../../i18n/i18nContext';
import { CreateRoomDialog } from '../dialogs/CreateRoomDialog';
import { DmDialog } from '../dialogs/DmDialog';
import { JoinCodeDialog } from '../dialogs/JoinCodeDialog';
import { RoomSection } from './RoomSection';
import { roomSections } from './roomSections';

/** The rooms: actions (new room, join with code, DM), my rooms, direct messages, public rooms. */
export function Sidebar({
  chat,
  state,
  activeId,
  navigate,
}: {
  chat: ChatStore;
  state: ChatState;
  activeId: number | null;
  navigate: (p: string) => void;
}) {
  const { t } = useI18n();
  const [dialog, setDialog] = useState<null | 'create' | 'join' | 'dm'>(null);
  const { mine, dms, discover } = roomSections(state);
  const opened = (id: number) => {
    setDialog(null);
    navigate(`/rooms/${id}`);
  };
  const section = { state, activeId, navigate };

  return (
    <nav id="sidebar" className="sidebar" aria-label={t.sidebarLabel}>
      <div className="sidebar-actions">
        <button type="button" className="primary" onClick={() => setDialog('create')}>
          + {t.newRoom}
        </button>
        <button type="button" onClick={() => setDialog('join')}>
          {t.joinWithCode}
        </button>
        <button type="button" onClick={() => setDialog('dm')}>
          {t.newDm}
        </button>
      </div>
      <RoomSection
        id="mine-heading"
        title={t.myRooms}
        rooms={mine}
        empty={state.roomsLoaded && mine.length === 0 && <p className="muted small">{t.noRooms}</p>}
        {...section}
      />
      {dms.length > 0 && <RoomSection id="dm-heading" title={t.directMessages} rooms={dms} {...section} />}
      {discover.length > 0 && <RoomSection id="discover-heading" title={t.discover} rooms={discover} {...section} />}
      {dialog === 'create' && <CreateRoomDialog chat={chat} onClose={() => setDialog(null)} onDone={opened} />}
      {dialog === 'join' && <JoinCodeDialog chat={chat} onClose={() => setDialog(null)} onDone={opened} />}
      {dialog === 'dm' && <DmDialog chat={chat} onClose={() => setDialog(null)} onDone={opened} />}
    </nav>
  );
}
