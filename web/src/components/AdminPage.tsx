import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../net/apiError';
import { readDashboard, rate, type DashboardNumbers } from '../admin/adminStats';
import { fmt } from '../i18n/strings';
import { parsePrometheus } from '../admin/prometheus';
import { api } from '../app/session';
import type { User } from '../protocol/types';
import { useI18n } from '../i18n/i18nContext';
import { errorText } from '../i18n/errorText';

const POLL_MS = 2000;
const POINTS = 60;

/** A tiny line chart of recent values. */
function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 320;
  const h = 80;
  const max = Math.max(1, ...values);
  const step = w / Math.max(1, POINTS - 1);
  const offset = POINTS - values.length;
  const pts = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(h - (v / max) * (h - 6) - 3).toFixed(1)}`).join(' ');
  return (
    <div className="chart">
      <span className="chart-label" aria-hidden="true">
        {max.toFixed(max < 10 ? 1 : 0)}
      </span>
      <svg className="sparkline" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1="0" y1={h - 3} x2={w} y2={h - 3} className="axis" />
        <line x1="0" y1="3" x2={w} y2="3" className="axis" strokeDasharray="4 4" />
        {values.length > 1 && <polyline points={pts} fill="none" className="line" />}
      </svg>
    </div>
  );
}

function fmtNum(v: number | undefined, digits = 0): string {
  return v === undefined ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits });
}

function Card({ label, value, testid }: { label: string; value: string; testid?: string }) {
  return (
    <div className="card" data-testid={testid}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
    </div>
  );
}

export function AdminPage({ user, navigate, onLogout }: { user: User; navigate: (p: string) => void; onLogout: () => void }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<DashboardNumbers | null>(null);
  const [series, setSeries] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);
  const prevCount = useRef<{ at: number; count?: number } | null>(null);

  useEffect(() => {
    if (user.role !== 'admin') return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const [stats, metrics] = await Promise.allSettled([api.adminStats(), api.metrics()]);
      if (!alive) return;
      if (stats.status === 'rejected' && metrics.status === 'rejected') {
        const e = stats.reason;
        setError(e instanceof ApiError ? errorText(t, e.code, e.message) : String(e));
      } else {
        setError(null);
        const d = readDashboard(
          stats.status === 'fulfilled' && stats.value && typeof stats.value === 'object' ? stats.value : null,
          metrics.status === 'fulfilled' && typeof metrics.value === 'string' ? parsePrometheus(metrics.value) : [],
        );
        const now = { at: Date.now(), count: d.messagesIn };
        const r = d.messagesPerSecond ?? rate(prevCount.current, now);
        prevCount.current = now;
        if (r !== undefined) {
          d.messagesPerSecond = r;
          setSeries((s) => [...s, r].slice(-POINTS));
        }
        setData(d);
        setUpdated(new Date());
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [user.role, t]);

  const back = (
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

  if (user.role !== 'admin') {
    return (
      <main className="admin">
        <header className="topbar">
          {back}
          <span className="spacer" />
        </header>
        <p className="admin-denied" role="alert">
          {t.adminOnly}
        </p>
      </main>
    );
  }

  const ms = (v: number | undefined) => (v === undefined ? '—' : `${fmtNum(v, v < 10 ? 2 : 0)} ms`);
  const errorCodes = Object.entries(data?.errors ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return (
    <main className="admin" aria-labelledby="admin-title">
      <header className="topbar">
        {back}
        <h1 id="admin-title" className="admin-title">
          {t.admin}
        </h1>
        <span className="spacer" />
        <span className="muted small updated" aria-live="off">
          {updated && fmt(t.lastUpdated, { time: updated.toLocaleTimeString(lang) })}
        </span>
        <button type="button" className="ghost" onClick={onLogout}>
          {t.logout}
        </button>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section className="cards" aria-label={t.admin}>
        <Card label={t.connections} value={fmtNum(data?.connections)} testid="stat-connections" />
        <Card label={t.usersOnline} value={fmtNum(data?.usersOnline)} testid="stat-users-online" />
        <Card label={t.roomsActive} value={fmtNum(data?.roomsActive)} testid="stat-rooms-active" />
        <Card label={t.messagesPerSecond} value={fmtNum(data?.messagesPerSecond, 1)} testid="stat-mps" />
      </section>
      <section className="panel" aria-labelledby="mps-title">
        <h2 id="mps-title">{t.messagesPerSecond}</h2>
        <Sparkline values={series} label={t.messagesPerSecond} />
      </section>
      <div className="panels">
        <section className="panel" aria-labelledby="lat-title">
          <h2 id="lat-title">
            {t.storeLatency} / {t.deliveryLatency}
          </h2>
          <table className="kv">
            <thead>
              <tr>
                <th scope="col"></th>
                <th scope="col">p50</th>
                <th scope="col">p99</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t.storeLatency}</th>
                <td>{ms(data?.storeP50Ms)}</td>
                <td>{ms(data?.storeP99Ms)}</td>
              </tr>
              <tr>
                <th scope="row">{t.deliveryLatency}</th>
                <td>{ms(data?.deliveryP50Ms)}</td>
                <td>{ms(data?.deliveryP99Ms)}</td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="panel" aria-labelledby="err-title">
          <h2 id="err-title">{t.errorsByCode}</h2>
          {errorCodes.length === 0 ? (
            <p className="muted">{t.noErrors}</p>
          ) : (
            <table className="kv">
              <tbody>
                {errorCodes.map(([code, n]) => (
                  <tr key={code}>
                    <th scope="row">{code}</th>
                    <td>{fmtNum(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section className="panel" aria-labelledby="recent-title">
        <h2 id="recent-title">{t.recentErrors}</h2>
        {!data?.recentErrors.length ? (
          <p className="muted">{t.noErrors}</p>
        ) : (
          <ul className="recent-errors">
            {data.recentErrors.map((e, i) => (
              <li key={i}>
                {e.ts && <time dateTime={String(e.ts)}>{new Date(String(e.ts)).toLocaleTimeString(lang)}</time>}{' '}
                <code>{String(e.code ?? '')}</code> {String(e.message ?? '')}
                {e.request_id ? <span className="muted small"> ({String(e.request_id)})</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {data && Object.keys(data.other).length > 0 && (
        <section className="panel" aria-labelledby="other-title">
          <h2 id="other-title">{t.otherCounters}</h2>
          <table className="kv">
            <tbody>
              <tr>
                <th scope="row">messages_in / messages_out</th>
                <td>
                  {fmtNum(data.messagesIn)} / {fmtNum(data.messagesOut)}
                </td>
              </tr>
              {Object.entries(data.other).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{fmtNum(v, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
