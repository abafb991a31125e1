// An in-memory localStorage for tests, with an optional size quota and a switch to make it throw.

import type { EnumerableStorage } from '../storage/keyValueStorage';

export class MemoryStorage implements EnumerableStorage {
  map = new Map<string, string>();
  /** Throw on every call, like a browser with storage disabled. */
  broken = false;

  /** `quota`: the most characters (keys plus values) it holds before setItem throws. */
  constructor(private readonly quota = Infinity) {}

  get length(): number {
    this.check();
    return this.map.size;
  }
  key(i: number): string | null {
    this.check();
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    this.check();
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.check();
    let size = k.length + v.length;
    for (const [key, val] of this.map) if (key !== k) size += key.length + val.length;
    if (size > this.quota) throw new DOMException('quota exceeded', 'QuotaExceededError');
    this.map.set(k, v);
  }
  removeItem(k: string): void {
    this.check();
    this.map.delete(k);
  }
  private check(): void {
    if (this.broken) throw new DOMException('storage disabled', 'SecurityError');
  }
}
