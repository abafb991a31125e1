import { useState, type FormEvent } from 'react';
import type { Api } from '../../net/api';
import { ApiError } from '../../net/apiError';
import type { AuthResponse } from '../../protocol/types';
import { useI18n } from '../../i18n/i18nContext';
import { errorText } from '../../i18n/errorText';
import { TwoFactorStep } from './TwoFactorStep';

/** Log in or create an account; `reason` says why the user is here again (session expired, logged out). */
export function LoginPage({ api, onAuthed, reason }: { api: Api; onAuthed: (r: AuthResponse) => void; reason?: 'expired' | 'loggedOut' }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Two-factor: asked for once the server says totp_required after the right password.
  const [needCode, setNeedCode] = useState(false);
  const [code, setCode] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const resp = mode === 'login' ? await api.login(username, password, needCode ? code : undefined) : await api.register(username, password);
      onAuthed(resp);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') {
        setNeedCode(true);
        return;
      }
      if (needCode && err instanceof ApiError && err.code === 'unauthorized') setError(t.wrongTwoFactorCode);
      else setError(err instanceof ApiError ? errorText(t, err.code, err.message, err.retryAfter) : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <div className="brand" aria-hidden="true">
          <img src="/favicon.svg" alt="" width="40" height="40" />
        </div>
        <h1 id="auth-title">{mode === 'login' ? t.login : t.register}</h1>
        {reason && !error && (
          <p className="auth-info" role="status">
            {reason === 'expired' ? t.sessionExpired : t.loggedOut}
          </p>
        )}
        {error && (
          <p className="auth-error" role="alert">
            {error}
          </p>
        )}
        <label>
          {t.username}
          <input
            name="username"
            autoComplete="username"
            required
            minLength={3}
            maxLength={32}
            pattern="[A-Za-z0-9_.\-]{3,32}"
            title={t.usernameHint}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
        </label>
        <label>
          {t.password}
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={8}
            maxLength={128}
            title={t.passwordHint}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {needCode && mode === 'login' && <TwoFactorStep code={code} onChange={setCode} />}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'login' ? t.login : t.register}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'login' ? 'register' : 'login');
            setError(null);
            setNeedCode(false);
          }}
        >
          {mode === 'login' ? t.needAccount : t.haveAccount}
        </button>
      </form>
    </main>
  );
}
