import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { draftKey, draftOf, keepDraft } from '../../chat/drafts';
import { fmt } from '../../i18n/strings';
import { useI18n } from '../../i18n/i18nContext';
import type { Member } from '../../protocol/types';
import { MentionSuggestions } from './MentionSuggestions';
import { useAttachments } from './useAttachments';
import { useMentionAutocomplete } from './useMentionAutocomplete';

const MAX_CODE_POINTS = 4000;

/**
 * Enter sends, Shift+Enter starts a new line, `@` completes members' names, Up in an empty box
 * edits the user's last message; drafts are kept per room (and thread) while the page lives, their
 * files across reloads too. With `replyTo` it writes replies in that message's thread.
 */
export function Composer({ chat, roomId, roomTitle, replyTo, members }: { chat: ChatStore; roomId: number; roomTitle: string; replyTo?: number; members: readonly Member[] | null }) {
  const { t } = useI18n();
  const key = draftKey(roomId, replyTo);
  const [text, setText] = useState(() => draftOf(key));
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = [...text].length;
  const id = replyTo === undefined ? 'composer' : 'thread-composer';
  const mention = useMentionAutocomplete(text, setText, ref, members, chat.getState().user?.id);
  const files = useAttachments(chat, key);
  const fileInput = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [dragging, setDragging] = useState(false);
  const canSend = (!!text.trim() || files.uploads.length > 0) && !files.busy && length <= MAX_CODE_POINTS;

  // Files dropped anywhere on the room (its messages or the composer) are attached.
  useEffect(() => {
    const area = formRef.current?.closest<HTMLElement>('.room-main, .thread-panel') ?? formRef.current;
    if (!area) return;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!area.contains(e.relatedTarget as Node | null)) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      files.add(e.dataTransfer?.files ?? []);
    };
    area.addEventListener('dragover', over);
    area.addEventListener('dragleave', leave);
    area.addEventListener('drop', drop);
    return () => {
      area.removeEventListener('dragover', over);
      area.removeEventListener('dragleave', leave);
      area.removeEventListener('drop', drop);
    };
  }, [files.add]); // eslint-disable-line react-hooks/exhaustive-deps

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
    const uploads = files.uploads;
    if ((!body.trim() && !uploads.length) || files.busy || [...body].length > MAX_CODE_POINTS) return;
    chat.send(roomId, body.trim() ? body : '', replyTo, uploads);
    files.clear();
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
      ref={formRef}
      className={`composer ${dragging ? 'dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {dragging && <div className="drop-hint">{t.dropHere}</div>}
      {files.items.length > 0 && (
        <ul className="composer-files" aria-label={t.attachmentsLabel}>
          {files.items.map((f) => (
            <li key={f.key} className={f.error ? 'failed' : f.upload ? 'done' : 'uploading'}>
              <span className="file-name" title={f.name}>
                {f.name}
              </span>
              {!f.upload && !f.error && <progress max={1} value={f.progress} aria-label={fmt(t.uploadProgress, { name: f.name })} />}
              {f.error && (
                <span className="file-error" role="alert">
                  {f.error}
                </span>
              )}
              <button type="button" className="icon-button" aria-label={fmt(f.upload || f.error ? t.removeAttachment : t.cancelUpload, { name: f.name })} onClick={() => files.remove(f.key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
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
        onPaste={(e) => {
          const pasted = [...e.clipboardData.files];
          if (!pasted.length) return;
          // Text copied with a picture of itself (office apps) pastes as text; a file alone attaches.
          if (e.clipboardData.types.includes('text/plain')) return;
          e.preventDefault();
          files.add(pasted);
        }}
        autoFocus
      />
      {length > MAX_CODE_POINTS - 200 && (
        <span className={`counter ${length > MAX_CODE_POINTS ? 'over' : ''}`} aria-live="polite">
          {MAX_CODE_POINTS - length}
        </span>
      )}
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid={`${id}-file`}
        onChange={(e) => {
          files.add([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <button type="button" className="icon-button attach" aria-label={t.attachFile} onClick={() => fileInput.current?.click()}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M16.5 7.5l-7.8 7.8a2 2 0 002.8 2.8l8.1-8.1a4 4 0 00-5.7-5.7l-8.3 8.3a6 6 0 008.5 8.5l6.4-6.4" stroke="currentColor" strokeWidth="1.8" fill="none" strokeLinecap="round" />
        </svg>
      </button>
      <button type="submit" className="primary send" disabled={!canSend} aria-label={replyTo === undefined ? t.send : t.sendReply}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}
