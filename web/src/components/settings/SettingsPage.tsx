import { useState } from 'react';
import { useI18n } from '../../i18n/i18nContext';
import type { AccountApi } from '../../net/accountApi';
import { AccountTopBar } from './AccountTopBar';
import { PasswordSection } from './PasswordSection';
import { SessionsSection } from './SessionsSection';
import { TwoFactorSection } from './TwoFactorSection';
import './account.css';

/** /settings: the account's sessions, its password and two-factor authentication. */
export function SettingsPage({
  account,
  navigate,
  onLogout,
  onLogoutEverywhere,
}: {
  account: AccountApi;
  navigate: (p: string) => void;
  onLogout: () => void;
  onLogoutEverywhere: () => void;
}) {
  const { t } = useI18n();
  // A password change ends the other sessions: the list is read again.
  const [sessionsKey, setSessionsKey] = useState(0);
  return (
    <main className="admin">
      <AccountTopBar title={t.settingsTitle} navigate={navigate} onLogout={onLogout} />
      <div className="account-page">
        <SessionsSection account={account} reloadKey={sessionsKey} onLogoutEverywhere={onLogoutEverywhere} />
        <PasswordSection account={account} onChanged={() => setSessionsKey((k) => k + 1)} />
        <TwoFactorSection account={account} />
      </div>
    </main>
  );
}
