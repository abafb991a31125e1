// The client_id a message is sent with: the server stores a message once per (user, client_id),
// so a resend after a reconnect or a reload never makes a second one.

let counter = 0;
/** A client_id unique across tabs and reloads. */
export function newClientId(): string {
  counter += 1;
  const rand =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID().replace(/-/g, '').slice(0, 16)
      : Math.random().toString(36).slice(2, 12);
  return `w-${Date.now().toString(36)}-${counter.toString(36)}-${rand}`;
}
