import type { KeyValueStorage } from '../storage/keyValueStorage';
import type { LockProvider } from './lockProvider';
import { StorageLock } from './storageLock';

/** The Web Locks API when the browser has it, else a storage-based lock. */
export function browserLock(storage: KeyValueStorage): LockProvider {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks && typeof locks.request === 'function') {
    return { run: (name, fn) => locks.request(name, fn) as Promise<never> };
  }
  return new StorageLock(storage);
}
