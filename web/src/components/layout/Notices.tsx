import type { Notice } from '../../chat/chatState';
import { fmt } from '../../i18n/strings';
import { useI18n } from '../../i18n/i18nContext';
import { errorText } from '../../i18n/errorText';

const INFO_CODES = new Set(['info', 'member_added', 'role_changed', 'notification', 'mentioned']);

function noticeText(t: ReturnType<typeof useI18n>['t'], n: Notice): string {
  const params = n.params ?? {};
  switch (n.code) {
    case 'room_deleted':
      return fmt(t.roomDeleted, params);
    case 'member_added':
      return fmt(t.addedToRoom, params);
    case 'role_changed':
      return fmt(t.roleChanged, params);
    case 'notification':
      return fmt(t.notification, params);
    case 'mentioned':
      return fmt(t.mentioned, params);
    case 'too_many_reactions':
      return t.tooManyReactions;
    case 'info':
      return n.message;
    default:
      return errorText(t, n.code, n.message);
  }
}

/** Short notices (errors such as rate_limited, room deletions) in a polite live region. */
export function Notices({ notices, onDismiss }: { notices: readonly Notice[]; onDismiss: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <div className="notices" aria-live="polite" role="region" aria-label={t.noticesRegion}>
      {notices.map((n) => (
        <div key={n.id} className={`notice ${INFO_CODES.has(n.code) ? 'info' : 'error'}`} data-code={n.code}>
          <span>{noticeText(t, n)}</span>
          <button type="button" className="icon-button" aria-label={t.dismiss} onClick={() => onDismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
