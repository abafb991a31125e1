import { useEffect, useState } from 'react';
import type { ConnectionInfo } from '../../chat/chatState';
import { fmt } from '../../i18n/strings';
import { useI18n } from '../../i18n/i18nContext';

/** The connection state: a small dot in the top bar, and a banner while reconnecting. */
export function ConnectionBanner({ state, compact, onRetry }: { state: ConnectionInfo; compact?: boolean; onRetry?: () => void }) {
  const { t } = useI18n();
  const [, tick] = useState(0);
  useEffect(() => {
    if (state.state !== 'reconnecting') return;
    const id = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(id);
  }, [state.state]);

  const label =
    state.state === 'open' ? t.connected : state.state === 'reconnecting' ? t.reconnecting : state.state === 'closed' ? t.offline : t.connecting;
  if (compact) {
    return (
      <span className={`conn conn-${state.state}`} data-testid="connection" data-state={state.state} title={label}>
        <span className="conn-dot" aria-hidden="true" />
        <span className="conn-label">{label}</span>
      </span>
    );
  }
  if (state.state !== 'reconnecting') return null;
  const secs = state.retryAt ? Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000)) : 0;
  return (
    <div className="banner" role="status" data-testid="reconnecting">
      <span>{secs > 0 ? fmt(t.reconnectingIn, { s: secs }) : t.reconnecting}</span>
      {onRetry && secs > 0 && (
        <button type="button" className="link" onClick={onRetry}>
          {t.retryNow}
        </button>
      )}
    </div>
  );
}
