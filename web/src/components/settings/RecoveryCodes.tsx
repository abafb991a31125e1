import { useI18n } from '../../i18n/i18nContext';

/** The recovery codes, shown once right after two-factor was turned on. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <div role="region" aria-labelledby="recovery-title">
      <h3 id="recovery-title">{t.recoveryTitle}</h3>
      <p className="muted">{t.recoveryHint}</p>
      <ul className="recovery-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <button type="button" className="primary" onClick={onDone}>
        {t.recoverySaved}
      </button>
    </div>
  );
}
