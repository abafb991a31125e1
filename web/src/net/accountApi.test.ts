import { describe, expect, it, vi } from 'vitest';
import { SessionExpiredError } from '../auth/sessionExpiredError';
import type { TokenManager } from '../auth/tokenManager';
import { AccountApi } from './accountApi';
import { Api } from './api';
import { ApiError } from './apiError';

type Reply = { status: number; body?: unknown };

/** An Api over a scripted server: each call takes the next reply for its path. */
function setup(replies: Record<string, Reply[]>) {
  const calls: Array<{ method: string; path: string; auth?: string; body?: unknown }> = [];
  const fetchFn = vi.fn(async (url: string, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const method = init?.method ?? 'GET';
    calls.push({ method, path: url, auth: headers.Authorization, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const r = replies[`${method} ${url}`]?.shift();
    if (!r) throw new Error(`unexpected ${method} ${url}`);
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
      status: r.status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  const tokens = {
    getAccessToken: vi.fn(async () => 'tok'),
    refresh: vi.fn(async () => 'tok-2'),
    clear: vi.fn(),
  } as unknown as TokenManager;
  const api = new Api(tokens, '', fetchFn);
  return { account: new AccountApi(api, fetchFn), calls, tokens };
}

const wrong = { status: 401, body: { error: { code: 'unauthorized', message: 'wrong current password' } } };
const me = { status: 200, body: { user: { id: 1, username: 'ann', role: 'user' } } };

describe('AccountApi', () => {
  it('lists and ends sessions', async () => {
    const session = { id: 4, created_at: 't', last_used_at: 't', user_agent: 'ua', ip: '::1', current: true };
    const { account, calls } = setup({
      'GET /api/me/sessions': [{ status: 200, body: { sessions: [session] } }],
      'DELETE /api/me/sessions/9': [{ status: 204 }],
    });
    expect(await account.sessions()).toEqual([session]);
    await account.endSession(9);
    expect(calls.map((c) => c.auth)).toEqual(['Bearer tok', 'Bearer tok']);
  });

  it('a wrong current password is an error for the form, not the end of the session', async () => {
    const { account, tokens } = setup({ 'POST /api/me/password': [wrong], 'GET /api/me': [me] });
    const err = await account.changePassword('bad', 'new-password').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).message).toBe('wrong current password');
    expect(tokens.clear).not.toHaveBeenCalled();
    expect(tokens.refresh).not.toHaveBeenCalled();
  });

  it('a 401 from an ended session ends it here too', async () => {
    const { account, tokens } = setup({
      'POST /api/me/password': [wrong],
      'GET /api/me': [{ status: 401 }, { status: 401 }],
    });
    await expect(account.changePassword('pw', 'new-password')).rejects.toBeInstanceOf(SessionExpiredError);
    expect(tokens.clear).toHaveBeenCalled();
  });

  it('sends the password change and two-factor bodies the contract names', async () => {
    const { account, calls } = setup({
      'POST /api/me/password': [{ status: 204 }],
      'POST /api/me/totp': [{ status: 200, body: { secret: 'S', otpauth_uri: 'otpauth://totp/x' } }],
      'POST /api/me/totp/confirm': [{ status: 200, body: { recovery_codes: ['a', 'b'] } }],
      'DELETE /api/me/totp': [{ status: 204 }],
      'GET /api/me/totp': [{ status: 200, body: { enabled: true } }],
    });
    await account.changePassword('old-password', 'new-password');
    expect(await account.startTotp()).toEqual({ secret: 'S', otpauth_uri: 'otpauth://totp/x' });
    expect(await account.confirmTotp('123456')).toEqual(['a', 'b']);
    await account.disableTotp('654321');
    expect(await account.totpEnabled()).toBe(true);
    expect(calls.map((c) => c.body).filter(Boolean)).toEqual([{ current: 'old-password', new: 'new-password' }, { code: '123456' }, { code: '654321' }]);
  });

  it('pages through users and (de)activates them', async () => {
    const u = { id: 3, username: 'bo', role: 'user' };
    const { account, calls } = setup({
      'GET /api/admin/users?limit=20': [{ status: 200, body: { users: [u], next_after: 3 } }],
      'GET /api/admin/users?after=3&limit=20': [{ status: 200, body: { users: [], next_after: null } }],
      'POST /api/admin/users/3/deactivate': [{ status: 200, body: { user: { ...u, deactivated: true } } }],
      'POST /api/admin/users/3/reactivate': [{ status: 200, body: { user: u } }],
    });
    expect((await account.users()).next_after).toBe(3);
    expect((await account.users(3)).users).toEqual([]);
    expect((await account.deactivate(3)).deactivated).toBe(true);
    expect((await account.reactivate(3)).deactivated).toBeUndefined();
    expect(calls).toHaveLength(4);
  });

  it('logs out everywhere with the refresh token', async () => {
    const { account, calls } = setup({ 'POST /api/auth/logout': [{ status: 204 }] });
    await account.logoutEverywhere('rt');
    expect(calls[0].body).toEqual({ refresh_token: 'rt', everywhere: true });
  });
});
