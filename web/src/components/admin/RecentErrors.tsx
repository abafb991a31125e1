import type { RecentError } from '../../admin/adminStats';
import { useI18n } from '../../i18n/i18nContext';

/** The server's latest errors, newest first, with their request ids. */
export function RecentErrors({ errors }: { errors: readonly RecentError[] }) {
  const { t, lang } = useI18n();
  return (
    <section className="panel" aria-labelledby="recent-title">
      <h2 id="recent-title">{t.recentErrors}</h2>
      {!errors.length ? (
        <p className="muted">{t.noErrors}</p>
      ) : (
        <ul className="recent-errors">
          {errors.map((e, i) => (
            <li key={i}>
              {e.ts && <time dateTime={String(e.ts)}>{new Date(String(e.ts)).toLocaleTimeString(lang)}</time>}{' '}
              <code>{String(e.code ?? '')}</code> {String(e.message ?? '')}
              {e.request_id ? <span className="muted small"> ({String(e.request_id)})</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
