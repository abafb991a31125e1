/** The newest refresh token and the ones it replaced (newest last), as kept in a SharedTokenStore. */
export interface SharedTokenRecord {
  token: string;
  spent: string[];
}

/**
 * Where the lock holder records rotations so that every tab sees them at once. localStorage does
 * not do that in Chromium: each renderer process keeps its own copy and learns of another tab's
 * writes asynchronously, so a tab granted the lock just after another tab rotated the token may
 * still read the rotated one, and presenting it revokes the session in every tab. A token found in
 * `spent` is such a stale copy and stands for `token`; any other localStorage value is newer (a
 * login, or a rotation whose record was lost) and is used as it is.
 */
export interface SharedTokenStore {
  get(): Promise<SharedTokenRecord | null>;
  /** Resolves once every tab reads the new record (null: forget it). */
  set(record: SharedTokenRecord | null): Promise<void>;
}
