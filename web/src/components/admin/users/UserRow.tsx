import { useI18n } from '../../../i18n/i18nContext';
import { fmt } from '../../../i18n/strings';
import type { AccountUser } from '../../../protocol/accountTypes';

/** One account in the admin's list; an admin cannot deactivate their own. */
export function UserRow({ user, self, onToggle }: { user: AccountUser; self: boolean; onToggle: () => void }) {
  const { t, lang } = useI18n();
  const off = user.deactivated === true;
  return (
    <tr className={off ? 'deactivated' : undefined} data-username={user.username}>
      <td>
        {user.username}
        {self && <span className="badge">{t.you}</span>}
      </td>
      <td>{user.role === 'admin' ? t.roleAdmin : t.roleUser}</td>
      <td>{user.created_at ? new Date(user.created_at).toLocaleDateString(lang) : ''}</td>
      <td>{off ? t.statusDeactivated : t.statusActive}</td>
      <td>
        {!self && (
          <button
            type="button"
            className={off ? undefined : 'danger'}
            aria-label={fmt(off ? t.reactivateLabel : t.deactivateLabel, { name: user.username })}
            onClick={onToggle}
          >
            {off ? t.reactivate : t.deactivate}
          </button>
        )}
      </td>
    </tr>
  );
}
