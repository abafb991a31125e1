import { ApiError, errorFromResponse } from './apiError';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Sends a request without credentials (register, login, refresh). */
export async function plainJson<T>(fetchFn: FetchFn, base: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(base + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', (e as Error).message || 'network error');
  }
  if (!res.ok) throw await errorFromResponse(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
