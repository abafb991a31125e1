import { useState } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import type { Message } from '../../protocol/types';
import { useMessageContext } from '../messages/messageContext';
import { EmojiPicker } from './EmojiPicker';
import { ReactionChip } from './ReactionChip';

/** A message's reactions, each a chip that toggles the user's own, and a button to add another. */
export function ReactionChips({ message }: { message: Message }) {
  const { t } = useI18n();
  const { chat, me, names } = useMessageContext();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const reactions = message.reactions ?? [];
  if (!reactions.length) return null;
  const toggle = (emoji: string) => void chat.toggleReaction(message.room, message.id, emoji);
  return (
    <div className="reactions" data-testid="reactions">
      {reactions.map((r) => (
        <ReactionChip key={r.emoji} reaction={r} names={names} me={me?.id} onToggle={() => toggle(r.emoji)} />
      ))}
      <button type="button" className="reaction-chip add-reaction" aria-label={t.react} title={t.react} onClick={(e) => setAnchor(anchor ? null : e.currentTarget)}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M20 12a8 8 0 1 1-6-7.75M8.5 14.5s1.2 1.8 3.5 1.8 3.5-1.8 3.5-1.8M9 10h.01M15 10h.01M19 2v6M16 5h6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </button>
      {anchor && <EmojiPicker anchor={anchor} recent={chat.recentEmoji()} onPick={toggle} onClose={() => setAnchor(null)} />}
    </div>
  );
}
