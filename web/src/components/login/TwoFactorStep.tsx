import { useI18n } from '../../i18n/i18nContext';

/** The login's second step, once the server answered `totp_required`: the code to send. */
export function TwoFactorStep({ code, onChange }: { code: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <>
      <p className="auth-info" role="status">
        {t.twoFactorPrompt}
      </p>
      <label>
        {t.twoFactorCode}
        <input name="totp" autoComplete="one-time-code" required maxLength={24} value={code} onChange={(e) => onChange(e.target.value.trim())} autoFocus />
      </label>
    </>
  );
}
