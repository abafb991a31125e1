// The slice of the Web Storage API (localStorage) the app uses, so that tests and browsers with
// storage disabled can supply their own.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** localStorage's shape: key/value plus enumeration. */
export interface EnumerableStorage extends KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
}

/** localStorage, or null where reading it throws (storage disabled by the browser). */
export function browserStorage(): EnumerableStorage | null {
  try {
    const s = globalThis.localStorage;
    return s ?? null;
  } catch {
    return null;
  }
}
