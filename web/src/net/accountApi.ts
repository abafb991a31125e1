// The REST calls of account security (v1.1): sessions, password change, two-factor, and the admin's
// user list with deactivation. Calls that check a credential (the current password, a two-factor
// code) answer a wrong one with 401, like an expired token: so a 401 there is only taken for the
// session's end when the session itself is refused as well.

import type { AccountUser, Session, TotpEnrolment, UserPage } from '../protocol/accountTypes';
import type { Api } from './api';
import { ApiError, errorFromResponse } from './apiError';
import type { FetchFn } from './plainJson';

export class AccountApi {
  private readonly fetchFn: FetchFn;
  constructor(
    private readonly api: Api,
    fetchFn?: FetchFn,
  ) {
    this.fetchFn = fetchFn ?? ((i, init) => fetch(i, init));
  }

  async sessions(): Promise<Session[]> {
    return (await this.api.request<{ sessions: Session[] }>('GET', '/api/me/sessions')).sessions;
  }
  endSession(id: number): Promise<void> {
    return this.api.request('DELETE', `/api/me/sessions/${id}`);
  }
  /** Ends every session of the account, this one included. */
  async logoutEverywhere(refreshToken: string | null): Promise<void> {
    await this.api.request('POST', '/api/auth/logout', { refresh_token: refreshToken ?? '', everywhere: true });
  }
  /** Every other session ends; this one goes on. A wrong `current` is ApiError 401. */
  changePassword(current: string, next: string): Promise<void> {
    return this.checked('POST', '/api/me/password', { current, new: next });
  }
  async totpEnabled(): Promise<boolean> {
    return (await this.api.request<{ enabled: boolean }>('GET', '/api/me/totp')).enabled;
  }
  startTotp(): Promise<TotpEnrolment> {
    return this.api.request('POST', '/api/me/totp');
  }
  /** Turns two-factor on; the recovery codes are shown once. A wrong code is ApiError 401. */
  async confirmTotp(code: string): Promise<string[]> {
    return (await this.checked<{ recovery_codes: string[] }>('POST', '/api/me/totp/confirm', { code })).recovery_codes;
  }
  /** `code`: a current code or a recovery code. A wrong one is ApiError 401. */
  disableTotp(code: string): Promise<void> {
    return this.checked('DELETE', '/api/me/totp', { code });
  }
  users(after?: number, limit = 20): Promise<UserPage> {
    const q = after === undefined ? `limit=${limit}` : `after=${after}&limit=${limit}`;
    return this.api.request('GET', `/api/admin/users?${q}`);
  }
  async deactivate(id: number): Promise<AccountUser> {
    return (await this.api.request<{ user: AccountUser }>('POST', `/api/admin/users/${id}/deactivate`)).user;
  }
  async reactivate(id: number): Promise<AccountUser> {
    return (await this.api.request<{ user: AccountUser }>('POST', `/api/admin/users/${id}/reactivate`)).user;
  }

  /**
   * A call whose 401 may mean a wrong credential: sent once with a valid token; on 401 the session
   * is checked (GET /api/me, which refreshes and ends the session as any call does). If the
   * session holds, the 401 was about the credential and is thrown as an ApiError for the form.
   */
  private async checked<T>(method: string, path: string, body: unknown): Promise<T> {
    const token = await this.api.tokens.getAccessToken();
    let res: Response;
    try {
      res = await this.fetchFn(this.api.base + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'network', (e as Error).message || 'network error');
    }
    if (res.status === 401) {
      const refused = await errorFromResponse(res);
      await this.api.me(); // throws SessionExpiredError when it was the session
      throw refused;
    }
    if (!res.ok) throw await errorFromResponse(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}
