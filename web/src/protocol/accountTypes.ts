// The v1.1 account-security shapes: sessions, two-factor enrolment, the admin's user list.

import type { User } from './types';

export interface Session {
  id: number;
  created_at: string;
  last_used_at: string;
  user_agent: string;
  ip: string;
  /** The session of the token that asked. */
  current: boolean;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
}

/** A user as the admin list shows it: `deactivated` is present (true) only while deactivated. */
export interface AccountUser extends User {
  deactivated?: boolean;
}

export interface UserPage {
  users: AccountUser[];
  next_after: number | null;
}
