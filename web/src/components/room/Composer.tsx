import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { draftKey, draftOf, keepDraft } from '../../chat/drafts';
import { fmt } from '../../i18n/strings';
import { useI18n } from '../../i18n/i18nContext';

const MAX_CODE_POINTS = 4000;

/** Enter sends, Shift+Enter starts a new line; drafts are kept per room while the page lives. */
export function Composer({ chat, roomId, roomTitle }: { chat: ChatStore; roomId: number; roomTitle: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => draftOf(draftKey(roomId)));
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = [...text].length;

  useEffect(() => {
    keepDraft(draftKey(roomId), text);
  }, [roomId, text]);

  // Grow with the content up to a few lines.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 180)}px`;
  }, [text]);

  function send() {
    const body = text.replace(/\s+$/, '');
    if (!body.trim() || [...body].length > MAX_CODE_POINTS) return;
    chat.send(roomId, body);
    setText('');
    ref.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        id="composer"
        ref={ref}
        rows={1}
        value={text}
        aria-label={t.composerLabel}
        placeholder={fmt(t.messagePlaceholder, { room: roomTitle })}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value) chat.typing(roomId);
        }}
        onKeyDown={onKeyDown}
        autoFocus
      />
      {length > MAX_CODE_POINTS - 200 && (
        <span className={`counter ${length > MAX_CODE_POINTS ? 'over' : ''}`} aria-live="polite">
          {MAX_CODE_POINTS - length}
        </span>
      )}
      <button type="submit" className="primary send" disabled={!text.trim() || length > MAX_CODE_POINTS} aria-label={t.send}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}
