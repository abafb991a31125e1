import { useI18n } from '../../i18n/i18nContext';
import type { Member } from '../../protocol/types';

/** The members offered for the `@` name being typed (a listbox above the composer). */
export function MentionSuggestions({ id, members, current, onPick }: { id: string; members: readonly Member[]; current: number; onPick: (m: Member) => void }) {
  const { t } = useI18n();
  return (
    <ul className="mention-suggestions" role="listbox" id={id} aria-label={t.mentionSuggestions} data-testid="mention-suggestions">
      {members.map((m, i) => (
        <li
          key={m.id}
          id={`${id}-${m.id}`}
          role="option"
          aria-selected={i === current}
          className={i === current ? 'active' : ''}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(m);
          }}
        >
          <span className={`presence-dot ${m.online ? 'online' : ''}`} aria-hidden="true" />@{m.username}
        </li>
      ))}
    </ul>
  );
}
