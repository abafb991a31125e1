import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18nContext';
import { fmt } from '../../../i18n/strings';
import type { AccountApi } from '../../../net/accountApi';
import type { AccountUser, UserPage } from '../../../protocol/accountTypes';
import type { User } from '../../../protocol/types';
import { AccountTopBar } from '../../settings/AccountTopBar';
import { accountErrorText } from '../../settings/accountErrors';
import '../../settings/account.css';
import { UserPager } from './userPager';
import { UserRow } from './UserRow';

/** /admin/users: every account, a page at a time, with its role; deactivate and reactivate. */
export function AdminUsersPage({
  account,
  user,
  navigate,
  onLogout,
  pageSize = 20,
}: {
  account: AccountApi;
  user: User;
  navigate: (p: string) => void;
  onLogout: () => void;
  pageSize?: number;
}) {
  const { t } = useI18n();
  const pager = useRef(new UserPager()).current;
  const [page, setPage] = useState<UserPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    account.users(pager.current, pageSize).then(
      (p) => {
        setPage(p);
        setError(null);
      },
      (e: unknown) => setError(accountErrorText(t, e)),
    );
  }, [account, pager, pageSize, t]);
  useEffect(load, [load]);

  async function toggle(u: AccountUser) {
    try {
      const changed = u.deactivated ? await account.reactivate(u.id) : await account.deactivate(u.id);
      setPage((p) => p && { ...p, users: p.users.map((x) => (x.id === changed.id ? changed : x)) });
    } catch (e) {
      setError(accountErrorText(t, e));
    }
  }

  if (user.role !== 'admin') {
    return (
      <main className="admin">
        <AccountTopBar title={t.usersTitle} navigate={navigate} onLogout={onLogout} />
        <p className="admin-denied" role="alert">
          {t.adminOnly}
        </p>
      </main>
    );
  }
  return (
    <main className="admin">
      <AccountTopBar title={t.usersTitle} navigate={navigate} onLogout={onLogout} />
      <section className="panel account-page" aria-label={t.usersTitle}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {!page && !error && <p className="muted">{t.loading}</p>}
        {page && (
          <table className="user-table">
            <thead>
              <tr>
                <th scope="col">{t.username}</th>
                <th scope="col">{t.roleLabel}</th>
                <th scope="col">{t.createdLabel}</th>
                <th scope="col">{t.statusLabel}</th>
                <th scope="col">
                  <span className="sr-only">{t.deactivate}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.users.map((u) => (
                <UserRow key={u.id} user={u} self={u.id === user.id} onToggle={() => void toggle(u)} />
              ))}
            </tbody>
          </table>
        )}
        <div className="pager">
          <button
            type="button"
            disabled={!pager.hasPrevious}
            onClick={() => {
              pager.previous();
              load();
            }}
          >
            {t.previousPage}
          </button>
          <span className="muted small">{fmt(t.pageN, { n: pager.page })}</span>
          <button
            type="button"
            disabled={!page?.next_after}
            onClick={() => {
              if (!page?.next_after) return;
              pager.next(page.next_after);
              load();
            }}
          >
            {t.nextPage}
          </button>
        </div>
      </section>
    </main>
  );
}
