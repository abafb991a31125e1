import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import type { AccountApi } from '../../net/accountApi';
import { accountErrorText } from './accountErrors';

/** Change the password: every other session ends, this one goes on. */
export function PasswordSection({ account, onChanged }: { account: AccountApi; onChanged: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    if (next !== repeat) {
      setError(t.passwordsDiffer);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await account.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
      onChanged();
    } catch (err) {
      setError(accountErrorText(t, err, t.wrongCurrentPassword));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">{t.passwordTitle}</h2>
      <form className="account-form" onSubmit={submit}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="account-ok" role="status">
            {t.passwordChanged}
          </p>
        )}
        <label>
          {t.currentPassword}
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          {t.newPassword}
          <input type="password" autoComplete="new-password" required minLength={8} maxLength={128} title={t.passwordHint} value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label>
          {t.repeatPassword}
          <input type="password" autoComplete="new-password" required minLength={8} maxLength={128} value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        <div>
          <button type="submit" className="primary" disabled={busy}>
            {t.changePassword}
          </button>
        </div>
      </form>
    </section>
  );
}
