import type { Notice } from '../lib/chatStore';
import { fmt } from '../lib/i18n';
import { useI18n } from './i18nContext';
import { errorText } from './errorText';

/** Short notices (errors such as rate_limited, room deletions) in a polite live region. */
export function Notices({ notices, onDismiss }: { notices: readonly Notice[]; onDismiss: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <div className="notices" aria-live="polite" role="region" aria-label="Notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.code === 'info' ? 'info' : 'error'}`} data-code={n.code}>
          <span>
            {n.code === 'room_deleted'
              ? fmt(t.roomDeleted, n.params ?? {})
              : n.code === 'info'
                ? n.message
                : errorText(t, n.code, n.message)}
          </span>
          <button type="button" className="icon-button" aria-label={t.dismiss} onClick={() => onDismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
