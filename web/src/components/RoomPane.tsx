import { useEffect, useState } from 'react';
import { ApiError } from '../net/apiError';
import type { RoomView } from '../chat/chatState';
import type { ChatStore } from '../chat/chatStore';
import { isDm, roomTitle } from '../chat/roomTitle';
import { fmt } from '../i18n/strings';
import type { Member, User } from '../protocol/types';
import { useI18n } from '../i18n/i18nContext';
import { MessageList } from './MessageList';
import { Composer } from './Composer';
import { AddMemberDialog } from './Dialogs';

function TypingLine({ view }: { view: RoomView }) {
  const { t } = useI18n();
  const names = Object.values(view.typing).map((x) => x.username);
  let text = '';
  if (names.length === 1) text = fmt(t.typingOne, { a: names[0] });
  else if (names.length === 2) text = fmt(t.typingTwo, { a: names[0], b: names[1] });
  else if (names.length > 2) text = t.typingMany;
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {text}
    </div>
  );
}

function MembersPanel({ chat, view }: { chat: ChatStore; view: RoomView }) {
  const { t } = useI18n();
  const [members, setMembers] = useState<Member[] | null>(null);
  const onlineIds = new Set(view.online.map((u) => u.id));
  const memberCount = view.room.member_count;
  useEffect(() => {
    let live = true;
    chat
      .members(view.room.id)
      .then((m) => live && setMembers(m))
      .catch(() => live && setMembers([]));
    return () => {
      live = false;
    };
  }, [chat, view.room.id, memberCount]);
  const list = members ?? [];
  // Online users known from presence but not yet in the fetched list are shown too.
  const extra = view.online.filter((u) => !list.some((m) => m.id === u.id));
  return (
    <aside className="members" aria-label={t.members}>
      <h3>{t.members}</h3>
      <ul>
        {[...list.map((m) => ({ id: m.id, username: m.username, owner: m.role === 'owner' })), ...extra.map((u) => ({ id: u.id, username: u.username, owner: false }))]
          .sort((a, b) => Number(onlineIds.has(b.id)) - Number(onlineIds.has(a.id)) || a.username.localeCompare(b.username))
          .map((m) => (
            <li key={m.id} className={onlineIds.has(m.id) ? 'online' : 'offline'}>
              <span className="presence-dot" aria-hidden="true" />
              <span className="member-name">{m.username}</span>
              {m.owner && <span className="muted small"> · {t.owner}</span>}
              <span className="sr-only">{onlineIds.has(m.id) ? ` (${t.online})` : ''}</span>
            </li>
          ))}
      </ul>
    </aside>
  );
}

export function RoomPane({ chat, view, user, navigate }: { chat: ChatStore; view: RoomView; user: User | null; navigate: (p: string) => void }) {
  const { t } = useI18n();
  const [showMembers, setShowMembers] = useState(false);
  const [adding, setAdding] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const room = view.room;
  const title = roomTitle(room, user);
  const isOwner = user?.id === room.owner_id;
  const others = view.online.filter((u) => u.id !== user?.id);

  async function leave() {
    if (!confirm(t.confirmLeave)) return;
    try {
      await chat.leaveRoom(room.id);
      navigate('/');
    } catch (e) {
      chat.handleError(e);
    }
  }
  async function remove() {
    if (!confirm(t.confirmDelete)) return;
    try {
      await chat.deleteRoom(room.id);
      navigate('/');
    } catch (e) {
      chat.handleError(e);
    }
  }
  async function joinPublic() {
    try {
      await chat.joinRoom(room.id);
      chat.openRoom(room.id);
    } catch (e) {
      setJoinError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <section className="room-pane" aria-labelledby="room-title">
      <header className="room-header">
        <div className="room-heading">
          <h1 id="room-title">{title}</h1>
          <p className="room-sub" data-testid="presence">
            <span className="presence-dot online" aria-hidden="true" />
            {view.online.length} {t.online}
            {others.length > 0 && <span className="online-names">: {view.online.map((u) => u.username).join(', ')}</span>}
            {room.private && !isDm(room) && <span className="room-id"> · ID {room.id}</span>}
          </p>
        </div>
        {room.joined && (
          <div className="room-actions">
            <button
              type="button"
              className="ghost"
              aria-pressed={showMembers}
              aria-label={showMembers ? t.hideMembers : t.showMembers}
              title={showMembers ? t.hideMembers : t.showMembers}
              onClick={() => setShowMembers(!showMembers)}
            >
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm7 0a3 3 0 1 0 0-6M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M17 14a5 5 0 0 1 5 5v2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
              <span className="label-text">{showMembers ? t.hideMembers : t.showMembers}</span>
            </button>
            {isOwner && room.private && !isDm(room) && (
              <button type="button" className="ghost" aria-label={t.addMember} title={t.addMember} onClick={() => setAdding(true)}>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                  <path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M19 8v6M16 11h6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
                </svg>
                <span className="label-text">{t.addMember}</span>
              </button>
            )}
            {isOwner && !isDm(room) ? (
              <button type="button" className="ghost danger" aria-label={t.deleteRoom} title={t.deleteRoom} onClick={remove}>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                  <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
                <span className="label-text">{t.deleteRoom}</span>
              </button>
            ) : (
              <button type="button" className="ghost" aria-label={t.leave} title={t.leave} onClick={leave}>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                  <path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
                <span className="label-text">{t.leave}</span>
              </button>
            )}
          </div>
        )}
      </header>
      {room.joined ? (
        <div className="room-body">
          <div className="room-main">
            <MessageList chat={chat} view={view} user={user} />
            <TypingLine view={view} />
            <Composer chat={chat} roomId={room.id} roomTitle={title} />
          </div>
          {showMembers && <MembersPanel chat={chat} view={view} />}
        </div>
      ) : (
        <div className="not-member">
          <p>{t.notMember}</p>
          <button type="button" className="primary" onClick={joinPublic}>
            {t.joinPublic}
          </button>
          {joinError && <p role="alert" className="form-error">{joinError}</p>}
        </div>
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
