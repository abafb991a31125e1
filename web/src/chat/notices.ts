// Short messages for the user (errors such as rate_limited, room deletions, server notifications):
// the newest four, each dismissed after a while or by the user.

import { SessionExpiredError } from '../auth/sessionExpiredError';
import { ApiError } from '../net/apiError';
import type { ChatStateCore } from './chatStateCore';

const NOTICES_SHOWN = 4;
const NOTICE_MS = 8000;

export class Notices {
  private seq = 0;

  constructor(private readonly core: ChatStateCore) {}

  notify(code: string, message: string, params?: Record<string, string | number>): void {
    const id = ++this.seq;
    const notices = [...this.core.state.notices.filter((n) => !(n.code === code && n.message === message)), { id, code, message, params }];
    this.core.set({ notices: notices.slice(-NOTICES_SHOWN) });
    setTimeout(() => this.dismiss(id), NOTICE_MS);
  }

  dismiss(id: number): void {
    if (!this.core.state.notices.some((n) => n.id === id)) return;
    this.core.set({ notices: this.core.state.notices.filter((n) => n.id !== id) });
  }

  /** Shows why an action failed; a lost session instead drops the user (the app returns to login). */
  handleError(e: unknown): void {
    if (e instanceof SessionExpiredError) {
      this.core.set({ user: null });
      return;
    }
    // While the connection banner already says we are reconnecting, failed fetches add nothing.
    if (e instanceof ApiError && e.code === 'network' && this.core.state.connection.state !== 'open') return;
    if (e instanceof ApiError) this.notify(e.code, e.message);
    else this.notify('internal', (e as Error)?.message ?? String(e));
  }
}
