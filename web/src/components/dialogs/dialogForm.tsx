// What every dialog form shares: submitting with a busy state, the contract's error codes as
// sentences (each dialog names its own for the codes it expects), and the error line with the
// Cancel / submit buttons.

import { useState, type FormEvent } from 'react';
import { ApiError } from '../../net/apiError';
import { errorText } from '../../i18n/errorText';
import { useI18n } from '../../i18n/i18nContext';
import type { Strings } from '../../i18n/strings';
import type { ChatStore } from '../../chat/chatStore';

/** A dialog form's error line and its Cancel / submit buttons. */
export function FormFooter({ error, busy, submitLabel, onCancel }: { error: string | null; busy: boolean; submitLabel: string; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}

function describe(t: Strings, err: unknown, map: Partial<Record<string, string>>): string {
  if (err instanceof ApiError) return map[err.code] ?? errorText(t, err.code, err.message, err.retryAfter);
  return String(err);
}

export function useSubmit(run: () => Promise<void>, map: (t: Strings) => Partial<Record<string, string>>) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(describe(t, err, map(t)));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

/** What the room dialogs take: `onDone` gets the room created or joined. */
export type DialogProps = { chat: ChatStore; onClose: () => void; onDone: (roomId: number) => void };
