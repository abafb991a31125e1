import type { KeyValueStorage } from '../storage/keyValueStorage';
import { LocalMutex } from './localMutex';
import type { LockProvider } from './lockProvider';

/**
 * A lock across tabs held in localStorage, for browsers without the Web Locks API: write a claim,
 * wait a moment, and hold the lock if the claim survived (the last writer wins the race).
 */
export class StorageLock implements LockProvider {
  private readonly local = new LocalMutex();
  private readonly id = Math.random().toString(36).slice(2);
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly leaseMs = 10_000,
  ) {}

  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(name, async () => {
      const key = `parley.lock.${name}`;
      for (;;) {
        const raw = this.storage.getItem(key);
        const held = raw ? (JSON.parse(raw) as { id: string; until: number }) : null;
        if (!held || held.until < Date.now() || held.id === this.id) {
          this.storage.setItem(key, JSON.stringify({ id: this.id, until: Date.now() + this.leaseMs }));
          await new Promise((r) => setTimeout(r, 30));
          const now = this.storage.getItem(key);
          if (now && (JSON.parse(now) as { id: string }).id === this.id) break;
        }
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
      try {
        return await fn();
      } finally {
        this.storage.removeItem(key);
      }
    });
  }
}
