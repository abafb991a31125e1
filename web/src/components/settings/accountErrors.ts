import { errorText } from '../../i18n/errorText';
import type { Strings } from '../../i18n/strings';
import { ApiError } from '../../net/apiError';

/** A failed account call as a sentence; `wrongCredential` for a 401 (wrong password or code). */
export function accountErrorText(t: Strings, err: unknown, wrongCredential?: string): string {
  if (err instanceof ApiError) {
    if (err.status === 401 && wrongCredential) return wrongCredential;
    return errorText(t, err.code, err.message, err.retryAfter);
  }
  return String(err);
}
