import { isDm } from '../../chat/roomTitle';
import { useI18n } from '../../i18n/i18nContext';
import type { Room } from '../../protocol/types';

/** Icon path data of the room header's buttons (24×24, stroked). */
const ICONS = {
  members: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm7 0a3 3 0 1 0 0-6M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M17 14a5 5 0 0 1 5 5v2',
  addMember: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M19 8v6M16 11h6',
  delete: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  leave: 'M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10',
};

function Icon({ d, round }: { d: string; round?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin={round ? 'round' : undefined} />
    </svg>
  );
}

/** The joined room's buttons: members, add member (owner of a private room), delete (owner) or leave. */
export function RoomActions({
  room,
  isOwner,
  showMembers,
  onToggleMembers,
  onAddMember,
  onDelete,
  onLeave,
}: {
  room: Room;
  isOwner: boolean;
  showMembers: boolean;
  onToggleMembers: () => void;
  onAddMember: () => void;
  onDelete: () => void;
  onLeave: () => void;
}) {
  const { t } = useI18n();
  const membersLabel = showMembers ? t.hideMembers : t.showMembers;
  return (
    <div className="room-actions">
      <button type="button" className="ghost" aria-pressed={showMembers} aria-label={membersLabel} title={membersLabel} onClick={onToggleMembers}>
        <Icon d={ICONS.members} />
        <span className="label-text">{membersLabel}</span>
      </button>
      {isOwner && room.private && !isDm(room) && (
        <button type="button" className="ghost" aria-label={t.addMember} title={t.addMember} onClick={onAddMember}>
          <Icon d={ICONS.addMember} />
          <span className="label-text">{t.addMember}</span>
        </button>
      )}
      {isOwner && !isDm(room) ? (
        <button type="button" className="ghost danger" aria-label={t.deleteRoom} title={t.deleteRoom} onClick={onDelete}>
          <Icon d={ICONS.delete} round />
          <span className="label-text">{t.deleteRoom}</span>
        </button>
      ) : (
        <button type="button" className="ghost" aria-label={t.leave} title={t.leave} onClick={onLeave}>
          <Icon d={ICONS.leave} round />
          <span className="label-text">{t.leave}</span>
        </button>
      )}
    </div>
  );
}
