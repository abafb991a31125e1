import type { SharedTokenRecord, SharedTokenStore } from './sharedTokenStore';

/**
 * The shared token record in IndexedDB, whose one store behind every tab answers each read with
 * the last completed write. Undefined where IndexedDB is missing; a call that fails or hangs
 * (storage disabled, a blocked upgrade) rejects after `timeoutMs`, and localStorage is used alone.
 */
export function indexedDbTokenStore(dbName = 'parley-auth', timeoutMs = 3000): SharedTokenStore | undefined {
  let idb: IDBFactory | undefined;
  try {
    idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  } catch {
    /* refused, as in some sandboxed frames */
  }
  if (!idb) return undefined;
  const storeName = 'tokens';
  const key = 'refresh';
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = idb.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName);
      req.onsuccess = () => {
        const conn = req.result;
        conn.onversionchange = () => {
          conn.close();
          db = null;
        };
        resolve(conn);
      };
      req.onerror = () => reject(req.error);
    }).catch((e: unknown) => {
      db = null;
      throw e;
    }));
  const bounded = <T>(work: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('IndexedDB did not answer')), timeoutMs);
      work().then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  return {
    get: () =>
      bounded(async () => {
        const conn = await open();
        return new Promise<SharedTokenRecord | null>((resolve, reject) => {
          const req = conn.transaction(storeName).objectStore(storeName).get(key);
          req.onsuccess = () => {
            const r = req.result as Partial<SharedTokenRecord> | undefined;
            resolve(typeof r?.token === 'string' && Array.isArray(r.spent) ? { token: r.token, spent: r.spent } : null);
          };
          req.onerror = () => reject(req.error);
        });
      }),
    set: (record) =>
      bounded(async () => {
        const conn = await open();
        return new Promise<void>((resolve, reject) => {
          const tx = conn.transaction(storeName, 'readwrite');
          if (record) tx.objectStore(storeName).put(record, key);
          else tx.objectStore(storeName).delete(key);
          tx.oncomplete = () => resolve();
          tx.onerror = tx.onabort = () => reject(tx.error);
        });
      }),
  };
}
