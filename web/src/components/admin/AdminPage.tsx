import type { ConnectionsSource } from '../../admin/connections';
import type { AdminSource } from '../../admin/dashboardPoller';
import { errorText } from '../../i18n/errorText';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import { ApiError } from '../../net/apiError';
import type { User } from '../../protocol/types';
import { ConnectedClients } from './ConnectedClients';
import { ErrorsByCode } from './ErrorsByCode';
import { fmtNum } from './formatNumbers';
import { LatencyTable } from './LatencyTable';
import { OtherCounters } from './OtherCounters';
import { RecentErrors } from './RecentErrors';
import { Sparkline } from './Sparkline';
import { StatCard } from './StatCard';
import { useAdminDashboard } from './useAdminDashboard';

function BackToChat({ navigate }: { navigate: (p: string) => void }) {
  const { t } = useI18n();
  return (
    <a
      href="/"
      className="button ghost"
      onClick={(e) => {
        e.preventDefault();
        navigate('/');
      }}
    >
      ← {t.backToChat}
    </a>
  );
}

/** The operations dashboard at /admin, for administrators only. */
export function AdminPage({ api, user, navigate, onLogout }: { api: AdminSource & ConnectionsSource; user: User; navigate: (p: string) => void; onLogout: () => void }) {
  const { t, lang } = useI18n();
  const isAdmin = user.role === 'admin';
  const { numbers: data, rateSeries, error, updated } = useAdminDashboard(api, isAdmin);
  const errorLine = error === null ? null : error instanceof ApiError ? errorText(t, error.code, error.message) : String(error);

  if (!isAdmin) {
    return (
      <main className="admin">
        <header className="topbar">
          <BackToChat navigate={navigate} />
          <span className="spacer" />
        </header>
        <p className="admin-denied" role="alert">
          {t.adminOnly}
        </p>
      </main>
    );
  }

  return (
    <main className="admin" aria-labelledby="admin-title">
      <header className="topbar">
        <BackToChat navigate={navigate} />
        <h1 id="admin-title" className="admin-title">
          {t.admin}
        </h1>
        <a
          href="/admin/users"
          className="button ghost"
          onClick={(e) => {
            e.preventDefault();
            navigate('/admin/users');
          }}
        >
          {t.manageUsers}
        </a>
        <span className="spacer" />
        <span className="muted small updated" aria-live="off">
          {updated && fmt(t.lastUpdated, { time: updated.toLocaleTimeString(lang) })}
        </span>
        <button type="button" className="ghost" onClick={onLogout}>
          {t.logout}
        </button>
      </header>
      {errorLine && (
        <p className="form-error" role="alert">
          {errorLine}
        </p>
      )}
      <section className="cards" aria-label={t.admin}>
        <StatCard label={t.connections} value={fmtNum(data?.connections)} testid="stat-connections" />
        <StatCard label={t.usersOnline} value={fmtNum(data?.usersOnline)} testid="stat-users-online" />
        <StatCard label={t.roomsActive} value={fmtNum(data?.roomsActive)} testid="stat-rooms-active" />
        <StatCard label={t.messagesPerSecond} value={fmtNum(data?.messagesPerSecond, 1)} testid="stat-mps" />
      </section>
      <section className="panel" aria-labelledby="mps-title">
        <h2 id="mps-title">{t.messagesPerSecond}</h2>
        <Sparkline values={rateSeries} label={t.messagesPerSecond} />
      </section>
      <div className="panels">
        <LatencyTable data={data} />
        <ErrorsByCode errors={data?.errors ?? {}} />
      </div>
      <ConnectedClients source={api} />
      <RecentErrors errors={data?.recentErrors ?? []} />
      {data && Object.keys(data.other).length > 0 && <OtherCounters data={data} />}
    </main>
  );
}
