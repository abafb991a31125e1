import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { draftKey, draftOf, keepDraft } from '../../chat/drafts';
import { fmt } from '../../i18n/strings';
import { useI18n } from '../../i18n/i18nContext';
import type { Member } from '../../protocol/types';
import { MentionSuggestions } from './MentionSuggestions';
import { useMentionAutocomplete } from './useMentionAutocomplete';

const MAX_CODE_POINTS = 4000;

/**
 * Enter sends, Shift+Enter starts a new line, `@` completes members' names, Up in an empty box
 * edits the user's last message; drafts are kept per room (and thread) while the page lives. With
 * `replyTo` it writes replies in that message's thread.
 */
export function Composer({ chat, roomId, roomTitle, replyTo, members }: { chat: ChatStore; roomId: number; roomTitle: string; replyTo?: number; members: readonly Member[] | null }) {
  const { t } = useI18n();
  const key = draftKey(roomId, replyTo);
  const [text, setText] = useState(() => draftOf(key));
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = [...text].length;
  const id = replyTo === undefined ? 'composer' : 'thread-composer';
  const mention = useMentionAutocomplete(text, setText, ref, members, chat.getState().user?.id);

  useEffect(() => {
    keepDraft(key, text);
  }, [key, text]);

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
    chat.send(roomId, body, replyTo);
    setText('');
    ref.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.nativeEvent.isComposing || mention.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && text === '' && chat.editLast(roomId, replyTo ?? null)) {
      e.preventDefault();
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
      {mention.open && <MentionSuggestions id={`${id}-mentions`} members={mention.suggestions} current={mention.current} onPick={mention.pick} />}
      <textarea
        id={id}
        ref={ref}
        rows={1}
        value={text}
        aria-label={replyTo === undefined ? t.composerLabel : t.replyLabel}
        aria-autocomplete="list"
        aria-controls={mention.open ? `${id}-mentions` : undefined}
        aria-activedescendant={mention.open ? `${id}-mentions-${mention.suggestions[mention.current].id}` : undefined}
        placeholder={replyTo === undefined ? fmt(t.messagePlaceholder, { room: roomTitle }) : t.replyPlaceholder}
        onChange={(e) => {
          setText(e.target.value);
          mention.track();
          if (e.target.value) chat.typing(roomId);
        }}
        onSelect={mention.track}
        onKeyDown={onKeyDown}
        autoFocus
      />
      {length > MAX_CODE_POINTS - 200 && (
        <span className={`counter ${length > MAX_CODE_POINTS ? 'over' : ''}`} aria-live="polite">
          {MAX_CODE_POINTS - length}
        </span>
      )}
      <button type="submit" className="primary send" disabled={!text.trim() || length > MAX_CODE_POINTS} aria-label={replyTo === undefined ? t.send : t.sendReply}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}
