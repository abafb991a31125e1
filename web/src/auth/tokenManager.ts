// The session's tokens: the access token lives only in memory, the refresh token in storage so
// that a reload or a second tab can continue the session. Refreshes are serialised across tabs by
// a lock, because presenting an already-rotated refresh token revokes the whole token family.
// The lock holder also records each rotation in a store every tab sees alike (IndexedDB), since a
// tab's localStorage may still show the token another tab has just rotated.

import type { AuthResponse, User } from '../protocol/types';
import type { KeyValueStorage } from '../storage/keyValueStorage';
import { jwtExpiry } from './jwtExpiry';
import type { LockProvider } from './lockProvider';
import { SessionExpiredError } from './sessionExpiredError';
import type { SharedTokenRecord, SharedTokenStore } from './sharedTokenStore';

export const REFRESH_KEY = 'parley.refresh_token';

/** How many replaced tokens a SharedTokenRecord remembers. */
const SPENT_KEPT = 16;

/** Thrown by a refresh function when the server answered; `status` 401 means rejected token. */
export interface HttpFailure {
  status?: number;
}

export interface TokenManagerOptions {
  refresh: (refreshToken: string) => Promise<AuthResponse>;
  storage: KeyValueStorage;
  lock: LockProvider;
  /** Rotations as every tab sees them at once; without it, `storage` alone is trusted. */
  shared?: SharedTokenStore;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class TokenManager {
  private access: string | null = null;
  private expiresAt = 0;
  private lifetimeMs = 0;
  private user_: User | null = null;
  private inflight: Promise<string> | null = null;
  private timer: unknown = null;
  /** This tab's last write to the shared store, in order; refreshes wait for it. */
  private sharedWrite: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private expiredListeners = new Set<(reason: string) => void>();
  private userListeners = new Set<(user: User | null) => void>();

  constructor(private readonly opts: TokenManagerOptions) {
    this.now = opts.now ?? (() => Date.now());
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get user(): User | null {
    return this.user_;
  }

  get accessToken(): string | null {
    return this.access;
  }

  /** Whether a refresh token is stored (a session may be resumed). */
  hasStoredSession(): boolean {
    return !!this.opts.storage.getItem(REFRESH_KEY);
  }

  onExpired(fn: (reason: string) => void): () => void {
    this.expiredListeners.add(fn);
    return () => this.expiredListeners.delete(fn);
  }

  onUser(fn: (user: User | null) => void): () => void {
    this.userListeners.add(fn);
    return () => this.userListeners.delete(fn);
  }

  /** Adopts a fresh pair from register or login (a new token family). */
  setSession(resp: AuthResponse): void {
    this.writeShared({ token: resp.refresh_token, spent: [] });
    this.adopt(resp);
  }

  private adopt(resp: AuthResponse): void {
    this.access = resp.access_token;
    this.opts.storage.setItem(REFRESH_KEY, resp.refresh_token);
    const now = this.now();
    const fromJwt = jwtExpiry(resp.access_token);
    this.expiresAt = fromJwt ?? now + resp.expires_in * 1000;
    this.lifetimeMs = Math.max(1000, this.expiresAt - now);
    const changed = this.user_?.id !== resp.user.id || this.user_?.role !== resp.user.role;
    this.user_ = resp.user;
    if (changed) this.userListeners.forEach((fn) => fn(this.user_));
    this.schedule();
  }

  /** Forgets everything locally (logout, or the session ended elsewhere). */
  clear(): void {
    this.access = null;
    this.expiresAt = 0;
    this.opts.storage.removeItem(REFRESH_KEY);
    this.writeShared(null);
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.user_) {
      this.user_ = null;
      this.userListeners.forEach((fn) => fn(null));
    }
  }

  /** How long before expiry the token is refreshed: a fifth of its life, at most a minute. */
  private margin(): number {
    return Math.min(60_000, this.lifetimeMs / 5);
  }

  private schedule(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    const delay = Math.max(0, this.expiresAt - this.margin() - this.now());
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.refresh().catch((err) => {
        // Expiry was told to the listeners; a network failure is retried a little later.
        if (!(err instanceof SessionExpiredError) && this.access && this.timer === null) {
          this.timer = this.setTimer(() => {
            this.timer = null;
            this.schedule();
          }, 5000);
        }
      });
    }, delay);
  }

  /** A valid access token, refreshing first when it is missing or about to expire. */
  async getAccessToken(): Promise<string> {
    if (this.access && this.expiresAt - this.now() > this.margin() / 2) return this.access;
    return this.refresh();
  }

  /** Rotates the refresh token; concurrent callers in this tab share one request. */
  refresh(): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async doRefresh(): Promise<string> {
    const before = this.opts.storage.getItem(REFRESH_KEY);
    if (!before) return this.expire('no session');
    return this.opts.lock.run('parley-token-refresh', async () => {
      // Read inside the lock: another tab may have rotated the token while we waited.
      const stored = await this.storedToken();
      if (!stored) return this.expire('no session');
      try {
        return await this.rotate(stored);
      } catch (err) {
        if ((err as HttpFailure).status !== 401) throw err;
        // A tab without the lock may have rotated it meanwhile: try the newer token once.
        const latest = await this.storedToken();
        if (latest && latest.token !== stored.token) {
          try {
            return await this.rotate(latest);
          } catch (err2) {
            if ((err2 as HttpFailure).status !== 401) throw err2;
          }
        }
        return this.expire('refresh rejected');
      }
    });
  }

  /**
   * The refresh token to present, with the tokens it replaced. None when localStorage has none:
   * the session was ended, in this tab or (by the storage event) in another.
   */
  private async storedToken(): Promise<SharedTokenRecord | null> {
    await this.sharedWrite; // this tab's own last write first
    const local = this.opts.storage.getItem(REFRESH_KEY);
    if (!local) return null;
    const shared = this.opts.shared ? await this.opts.shared.get().catch(() => null) : null;
    // Another tab rotated the token, and this tab's copy of localStorage has not caught up yet.
    if (shared?.spent.includes(local)) return shared;
    return { token: local, spent: shared?.token === local ? shared.spent : [] };
  }

  /** Presents a refresh token and adopts the new pair, recorded for every tab before the lock ends. */
  private async rotate(stored: SharedTokenRecord): Promise<string> {
    const resp = await this.opts.refresh(stored.token);
    // The shared record first: should this tab close right now, the others still see the rotation.
    this.writeShared({ token: resp.refresh_token, spent: [...stored.spent, stored.token].slice(-SPENT_KEPT) });
    await this.sharedWrite;
    this.adopt(resp);
    return this.access!;
  }

  /** Queues a write to the shared store after this tab's earlier ones; a failed write is skipped. */
  private writeShared(record: SharedTokenRecord | null): void {
    const shared = this.opts.shared;
    if (!shared) return;
    this.sharedWrite = this.sharedWrite.then(() => shared.set(record)).catch(() => undefined);
  }

  private expire(reason: string): never {
    this.clear();
    this.expiredListeners.forEach((fn) => fn(reason));
    throw new SessionExpiredError(reason);
  }
}
