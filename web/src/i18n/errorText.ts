import { fmt, type Strings } from './strings';

/** A short, translated sentence for an error code from the contract. */
export function errorText(t: Strings, code: string, message: string, retryAfter?: number): string {
  switch (code) {
    case 'rate_limited':
      return retryAfter ? `${t.rateLimited} (${retryAfter}s)` : t.rateLimited;
    case 'unavailable':
      return t.unavailable;
    case 'forbidden':
      return message ? `${t.forbidden} (${message})` : t.forbidden;
    case 'room_deleted':
      return message;
    default:
      return message ? fmt(t.errorGeneric, { message }) : fmt(t.errorGeneric, { message: code });
  }
}
