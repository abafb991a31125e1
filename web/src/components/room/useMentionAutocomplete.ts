import { useState, type KeyboardEvent, type RefObject } from 'react';
import { completeMention, mentionQueryAt, suggestMembers } from '../../chat/mentions';
import type { Member } from '../../protocol/types';

/**
 * `@` completion in a textarea: while the caret follows `@` and part of a name, the room's members
 * matching it are offered; Up/Down move, Enter or Tab picks, Escape closes.
 */
export function useMentionAutocomplete(
  text: string,
  setText: (t: string) => void,
  ref: RefObject<HTMLTextAreaElement | null>,
  members: readonly Member[] | null,
  meId: number | undefined,
) {
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const query = mentionQueryAt(text, caret);
  const suggestions = query && members && dismissedAt !== query.start ? suggestMembers(members, query.query, meId) : [];
  const open = suggestions.length > 0;
  const current = Math.min(active, suggestions.length - 1);

  function track() {
    const el = ref.current;
    if (el) setCaret(el.selectionStart ?? el.value.length);
  }

  function pick(m: Member) {
    if (!query) return;
    const next = completeMention(text, query.start, caret, m.username);
    setText(next.text);
    setActive(0);
    requestAnimationFrame(() => {
      const el = ref.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
      setCaret(next.caret);
    });
  }

  /** Handles the keys of an open list; true when the key was used. */
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + suggestions.length) % suggestions.length);
    } else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      pick(suggestions[current]);
    } else if (e.key === 'Escape') {
      setDismissedAt(query!.start);
    } else return false;
    e.preventDefault();
    return true;
  }

  return { suggestions, current, open, pick, track, onKeyDown };
}
