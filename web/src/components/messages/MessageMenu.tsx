import { useState, type MouseEvent } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import type { Message } from '../../protocol/types';
import { EmojiPicker } from '../reactions/EmojiPicker';
import { QUICK_REACTIONS } from '../reactions/emojiCatalog';
import { useMessageContext } from './messageContext';

const ICONS = {
  react: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8.5 14.5s1.2 1.8 3.5 1.8 3.5-1.8 3.5-1.8M9 9.5h.01M15 9.5h.01',
  reply: 'M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z',
  edit: 'M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4',
  delete: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
};

function MenuButton({ label, icon, onClick, danger }: { label: string; icon: keyof typeof ICONS; onClick: (e: MouseEvent<HTMLButtonElement>) => void; danger?: boolean }) {
  return (
    <button type="button" className={`icon-button ${danger ? 'danger' : ''}`} aria-label={label} title={label} onClick={onClick}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <path d={ICONS[icon]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

/**
 * A message's actions: quick reactions and the emoji picker, reply in a thread, edit (the author)
 * and delete (the author, the room's owner, an admin). Shown on hover or focus, or after a long press.
 */
export function MessageMenu({ message, onDelete, onDone }: { message: Message; onDelete: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { chat, view, me, inThread } = useMessageContext();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const mine = message.from.id === me?.id;
  const mayDelete = mine || me?.id === view.room.owner_id || me?.role === 'admin';
  const react = (emoji: string) => {
    void chat.toggleReaction(message.room, message.id, emoji);
    onDone();
  };
  return (
    <div className="msg-menu" role="toolbar" aria-label={t.messageActions} data-testid="message-menu">
      {QUICK_REACTIONS.map((e) => (
        <button key={e} type="button" className="icon-button quick-reaction" aria-label={`${t.react} ${e}`} title={e} onClick={() => react(e)}>
          {e}
        </button>
      ))}
      <MenuButton label={t.moreReactions} icon="react" onClick={(e) => setAnchor(anchor ? null : e.currentTarget)} />
      {!inThread && (
        <MenuButton
          label={t.replyInThread}
          icon="reply"
          onClick={() => {
            void chat.openThread(message.room, message.id);
            onDone();
          }}
        />
      )}
      {mine && (
        <MenuButton
          label={t.edit}
          icon="edit"
          onClick={() => {
            chat.startEdit(message.room, message.id);
            onDone();
          }}
        />
      )}
      {mayDelete && <MenuButton label={t.deleteMessage} icon="delete" danger onClick={onDelete} />}
      {anchor && <EmojiPicker anchor={anchor} recent={chat.recentEmoji()} onPick={react} onClose={() => setAnchor(null)} />}
    </div>
  );
}
