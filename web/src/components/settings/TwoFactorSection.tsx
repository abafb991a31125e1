import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import type { AccountApi } from '../../net/accountApi';
import { ApiError } from '../../net/apiError';
import type { TotpEnrolment } from '../../protocol/accountTypes';
import { accountErrorText } from './accountErrors';
import { CodeField } from './CodeField';
import { QrCode } from './QrCode';
import { RecoveryCodes } from './RecoveryCodes';

/** Two-factor: enrol with a QR code and a first code, see the recovery codes once, turn it off. */
export function TwoFactorSection({ account }: { account: AccountApi }) {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    account.totpEnabled().then(setEnabled, (e: unknown) => setError(accountErrorText(t, e)));
  }, [account, t]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(accountErrorText(t, e, t.wrongTwoFactorCode));
    } finally {
      setBusy(false);
    }
  }

  const start = () =>
    run(async () => {
      try {
        setEnrolment(await account.startTotp());
        setCode('');
      } catch (e) {
        if (e instanceof ApiError && e.code === 'conflict') setEnabled(true);
        else throw e;
      }
    });
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setRecovery(await account.confirmTotp(code));
      setEnrolment(null);
      setEnabled(true);
      setCode('');
    });
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await account.disableTotp(code);
      setEnabled(false);
      setCode('');
    });
  };

  return (
    <section className="panel" aria-labelledby="totp-title">
      <h2 id="totp-title">{t.twoFactorTitle}</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {recovery && <RecoveryCodes codes={recovery} onDone={() => setRecovery(null)} />}
      {!recovery && enabled === false && !enrolment && (
        <>
          <p>{t.twoFactorOff}</p>
          <button type="button" className="primary" disabled={busy} onClick={() => void start()}>
            {t.enableTwoFactor}
          </button>
        </>
      )}
      {!recovery && enrolment && (
        <form className="account-form" onSubmit={confirm}>
          <p>{t.scanQr}</p>
          <QrCode text={enrolment.otpauth_uri} label={t.qrLabel} />
          <div>
            <div className="muted small">{t.secretKey}</div>
            <code className="secret-text" data-testid="totp-secret">
              {enrolment.secret}
            </code>
          </div>
          <CodeField value={code} onChange={setCode} />
          <div>
            <button type="submit" className="primary" disabled={busy}>
              {t.confirm}
            </button>{' '}
            <button type="button" className="ghost" onClick={() => setEnrolment(null)}>
              {t.cancel}
            </button>
          </div>
        </form>
      )}
      {!recovery && enabled === true && (
        <form className="account-form" onSubmit={disable}>
          <p>{t.twoFactorOn}</p>
          <p className="muted small">{t.disableHint}</p>
          <CodeField value={code} onChange={setCode} allowRecovery />
          <div>
            <button type="submit" className="danger" disabled={busy}>
              {t.disableTwoFactor}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
