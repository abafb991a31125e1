// Records that survive a reload and may hold Blobs (the composer's files not yet sent): IndexedDB
// where the browser has it, else memory. localStorage cannot hold a file's bytes.

/** Records by string id; every call may reject (storage refused, full, or not answering). */
export interface RecordStore<T> {
  all(): Promise<T[]>;
  put(id: string, record: T): Promise<void>;
  delete(id: string): Promise<void>;
}

/** A store in memory only (tests, or a browser without IndexedDB): a reload starts empty. */
export function memoryRecordStore<T>(): RecordStore<T> {
  const map = new Map<string, T>();
  return {
    all: async () => [...map.values()],
    put: async (id, record) => {
      map.set(id, record);
    },
    delete: async (id) => {
      map.delete(id);
    },
  };
}

/**
 * One object store of an IndexedDB database; undefined where IndexedDB is missing. A call that
 * fails or hangs (a blocked upgrade) rejects after `timeoutMs`.
 */
export function indexedDbRecordStore<T>(dbName: string, storeName: string, timeoutMs = 5000): RecordStore<T> | undefined {
  let idb: IDBFactory | undefined;
  try {
    idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  } catch {
    /* refused, as in some sandboxed frames */
  }
  if (!idb) return undefined;
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
  const bounded = <R>(work: (conn: IDBDatabase) => Promise<R>) =>
    new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('IndexedDB did not answer')), timeoutMs);
      open()
        .then(work)
        .then(
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
  const write = (fn: (s: IDBObjectStore) => void) =>
    bounded(
      (conn) =>
        new Promise<void>((resolve, reject) => {
          const tx = conn.transaction(storeName, 'readwrite');
          fn(tx.objectStore(storeName));
          tx.oncomplete = () => resolve();
          tx.onerror = tx.onabort = () => reject(tx.error);
        }),
    );
  return {
    all: () =>
      bounded(
        (conn) =>
          new Promise<T[]>((resolve, reject) => {
            const req = conn.transaction(storeName).objectStore(storeName).getAll();
            req.onsuccess = () => resolve(req.result as T[]);
            req.onerror = () => reject(req.error);
          }),
      ),
    put: (id, record) => write((s) => s.put(record, id)),
    delete: (id) => write((s) => s.delete(id)),
  };
}
