import { useI18n } from '../../i18n/i18nContext';

/** A one-time code input: six digits from an app, or (when `allowRecovery`) a recovery code. */
export function CodeField({ value, onChange, label, allowRecovery = false }: { value: string; onChange: (v: string) => void; label?: string; allowRecovery?: boolean }) {
  const { t } = useI18n();
  return (
    <label>
      {label ?? t.authCode}
      <input
        name="code"
        autoComplete="one-time-code"
        inputMode={allowRecovery ? 'text' : 'numeric'}
        required
        maxLength={allowRecovery ? 24 : 6}
        pattern={allowRecovery ? undefined : '[0-9]{6}'}
        title={allowRecovery ? undefined : t.authCodeHint}
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
      />
    </label>
  );
}
