import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorText } from '../../i18n/errorText';
import { useI18n } from '../../i18n/i18nContext';
import { ApiError } from '../../net/apiError';
import type { Message } from '../../protocol/types';
import { useMessageContext } from './messageContext';

const MAX_CODE_POINTS = 4000;

/** Edits a message in place: Enter saves, Shift+Enter is a new line, Escape cancels. */
export function MessageEditor({ message }: { message: Message }) {
  const { t } = useI18n();
  const { chat, composerId } = useMessageContext();
  const [text, setText] = useState(message.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const done = () => document.getElementById(composerId)?.focus();
  const cancel = () => {
    chat.cancelEdit();
    done();
  };
  async function save() {
    const body = text.replace(/\s+$/, '');
    if (!body.trim() || [...body].length > MAX_CODE_POINTS || busy) return;
    setBusy(true);
    setError(null);
    try {
      await chat.saveEdit(message.room, message.id, body);
      done();
    } catch (e) {
      setError(e instanceof ApiError ? errorText(t, e.code, e.message) : String(e));
      setBusy(false);
    }
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      cancel();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    }
  }

  return (
    <div className="msg-editor">
      <textarea ref={ref} value={text} aria-label={t.editLabel} rows={1} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} disabled={busy} />
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
      <div className="msg-editor-actions">
        <span className="muted small">{busy ? t.saving : t.editHint}</span>
        <button type="button" onClick={cancel} disabled={busy}>
          {t.cancel}
        </button>
        <button type="button" className="primary" onClick={() => void save()} disabled={busy || !text.trim()}>
          {t.save}
        </button>
      </div>
    </div>
  );
}
