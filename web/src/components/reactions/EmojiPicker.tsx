import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../../i18n/i18nContext';
import { EMOJI_CATEGORIES } from './emojiCatalog';
import { usePopoverPosition } from './usePopoverPosition';

function EmojiSection({ title, emoji, onPick }: { title: string; emoji: readonly string[]; onPick: (e: string) => void }) {
  return (
    <section className="emoji-section" aria-label={title}>
      <h3>{title}</h3>
      <div className="emoji-grid">
        {emoji.map((e) => (
          <button key={e} type="button" className="emoji-option" aria-label={e} title={e} onClick={() => onPick(e)}>
            {e}
          </button>
        ))}
      </div>
    </section>
  );
}

/**
 * Picks an emoji for a reaction: the user's recent ones first, then by category. A popover next to
 * `anchor` (a sheet along the bottom on phones); Escape or a click outside closes it.
 */
export function EmojiPicker({ anchor, recent, onPick, onClose }: { anchor: HTMLElement | null; recent: readonly string[]; onPick: (emoji: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const style = usePopoverPosition(anchor);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('button')?.focus({ preventScroll: true });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close.current();
      }
    };
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!ref.current?.contains(target) && !anchor?.contains(target)) close.current();
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onDown);
      prev?.focus?.({ preventScroll: true });
    };
  }, [anchor]);

  const pick = (e: string) => {
    onPick(e);
    onClose();
  };
  return createPortal(
    <div className="emoji-picker" role="dialog" aria-label={t.emojiPicker} ref={ref} style={style} data-testid="emoji-picker">
      {recent.length > 0 && <EmojiSection title={t.recentEmoji} emoji={recent} onPick={pick} />}
      {EMOJI_CATEGORIES.map((c) => (
        <EmojiSection key={c.key} title={t[c.key]} emoji={c.emoji} onPick={pick} />
      ))}
    </div>,
    document.body,
  );
}
