import { useId } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { Reaction } from '../../protocol/types';

const NAMES_SHOWN = 8;

/** Who reacted, as "ann, bob and 3 more" ("you" for the user). */
function whoText(t: ReturnType<typeof useI18n>['t'], r: Reaction, names: ReadonlyMap<number, string>, me: number | undefined): string {
  const list = r.users.map((id) => (id === me ? t.you : (names.get(id) ?? fmt(t.someUser, { id }))));
  const shown = list.slice(0, NAMES_SHOWN).join(', ');
  const more = r.count - Math.min(list.length, NAMES_SHOWN);
  return more > 0 ? fmt(t.andMore, { names: shown, n: more }) : shown;
}

/** One reaction: the emoji and its count; pressed when the user reacted; who reacted on hover or focus. */
export function ReactionChip({ reaction, names, me, onToggle }: { reaction: Reaction; names: ReadonlyMap<number, string>; me: number | undefined; onToggle: () => void }) {
  const { t } = useI18n();
  const tipId = useId();
  const mine = me !== undefined && reaction.users.includes(me);
  const who = fmt(t.reactedBy, { names: whoText(t, reaction, names, me), emoji: reaction.emoji });
  return (
    <button
      type="button"
      className={`reaction-chip ${mine ? 'mine' : ''}`}
      aria-pressed={mine}
      aria-label={fmt(t.reactionLabel, { emoji: reaction.emoji, n: reaction.count })}
      aria-describedby={tipId}
      data-emoji={reaction.emoji}
      onClick={onToggle}
    >
      <span className="reaction-emoji" aria-hidden="true">
        {reaction.emoji}
      </span>
      <span className="reaction-count" aria-hidden="true">
        {reaction.count}
      </span>
      <span className="reaction-who" role="tooltip" id={tipId}>
        {who}
      </span>
    </button>
  );
}
