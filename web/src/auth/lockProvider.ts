/** Runs a function while holding a named lock shared by every tab of the origin. */
export interface LockProvider {
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
}
