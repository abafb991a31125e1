// A failed REST call as the app sees it: the HTTP status and the contract's stable error code.

/** A failed REST call, carrying the contract's machine-readable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The ApiError a failed response stands for, read from the contract's error body. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = res.status === 401 ? 'unauthorized' : 'internal';
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
  } catch {
    /* not JSON */
  }
  const ra = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, code, message, Number.isFinite(ra) && ra > 0 ? ra : undefined);
}
