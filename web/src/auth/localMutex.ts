import type { LockProvider } from './lockProvider';

/** A lock within one tab only: waiters run one after another. */
export class LocalMutex implements LockProvider {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
