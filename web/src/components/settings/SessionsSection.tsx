import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import { fmt, type Strings } from '../../i18n/strings';
import type { AccountApi } from '../../net/accountApi';
import type { Session } from '../../protocol/accountTypes';
import { accountErrorText } from './accountErrors';
import { deviceName } from './deviceName';

function deviceLabel(t: Strings, userAgent: string): string {
  const { browser, os } = deviceName(userAgent);
  if (browser && os) return fmt(t.deviceOn, { browser, os });
  return browser ?? os ?? (userAgent || t.unknownDevice);
}

/** The account's sessions: this device marked, the others each endable; sign out everywhere. */
export function SessionsSection({ account, reloadKey, onLogoutEverywhere }: { account: AccountApi; reloadKey: number; onLogoutEverywhere: () => void }) {
  const { t, lang } = useI18n();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const when = (iso: string) => new Date(iso).toLocaleString(lang);

  const load = useCallback(() => {
    account.sessions().then(
      (s) => {
        setSessions(s);
        setError(null);
      },
      (e: unknown) => setError(accountErrorText(t, e)),
    );
  }, [account, t]);
  useEffect(load, [load, reloadKey]);

  async function end(id: number) {
    try {
      await account.endSession(id);
    } catch (e) {
      setError(accountErrorText(t, e));
    }
    load();
  }

  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <section className="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t.sessionsTitle}</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {sessions === null && !error && <p className="muted">{t.loading}</p>}
      {sessions && (
        <ul className="session-list" data-testid="sessions">
          {sessions.map((s) => {
            const device = deviceLabel(t, s.user_agent);
            return (
              <li key={s.id} data-current={s.current || undefined}>
                <div className="session-text">
                  <strong>{device}</strong>
                  {s.current && <span className="badge">{t.thisDevice}</span>}
                  <div className="muted small">{fmt(t.sessionDetails, { created: when(s.created_at), used: when(s.last_used_at), ip: s.ip })}</div>
                </div>
                {!s.current && (
                  <button type="button" className="danger" aria-label={fmt(t.endSessionLabel, { device })} onClick={() => void end(s.id)}>
                    {t.endSession}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {sessions && others.length === 0 && <p className="muted small">{t.noOtherSessions}</p>}
      <button type="button" className="danger" onClick={onLogoutEverywhere}>
        {t.logoutEverywhere}
      </button>
    </section>
  );
}
