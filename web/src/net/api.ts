// The REST client: JSON in and out, errors as ApiError with the contract's stable code, and one
// retry after a token refresh when the server answers 401.

import { SessionExpiredError } from '../auth/sessionExpiredError';
import type { TokenManager } from '../auth/tokenManager';
import type { AuthResponse, ChangesPage, Member, Message, MessagePage, ReadState, Room, User } from '../protocol/types';
import { ApiError, errorFromResponse } from './apiError';
import { plainJson, type FetchFn } from './plainJson';
import { uploadFile, type UploadTask } from './uploads';

export class Api {
  private readonly fetchFn: FetchFn;
  constructor(
    readonly tokens: TokenManager,
    readonly base = '',
    fetchFn?: FetchFn,
  ) {
    this.fetchFn = fetchFn ?? ((i, init) => fetch(i, init));
  }

  /** An authenticated request; a 401 triggers one refresh and one retry. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = attempt === 0 ? await this.tokens.getAccessToken() : await this.tokens.refresh();
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let res: Response;
      try {
        res = await this.fetchFn(this.base + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        throw new ApiError(0, 'network', (e as Error).message || 'network error');
      }
      if (res.status === 401 && attempt === 0) continue;
      if (res.status === 401) {
        this.tokens.clear();
        throw new SessionExpiredError('unauthorized');
      }
      if (!res.ok) throw await errorFromResponse(res);
      if (res.status === 204) return undefined as T;
      const text = await res.text();
      if (!text) return undefined as T;
      const ct = res.headers.get('Content-Type') ?? '';
      return (ct.includes('json') ? JSON.parse(text) : text) as T;
    }
  }

  register(username: string, password: string): Promise<AuthResponse> {
    return plainJson(this.fetchFn, this.base, 'POST', '/api/auth/register', { username, password });
  }
  /** `totp`: the two-factor code (or a recovery code), once the server answered `totp_required`. */
  login(username: string, password: string, totp?: string): Promise<AuthResponse> {
    return plainJson(this.fetchFn, this.base, 'POST', '/api/auth/login', totp ? { username, password, totp } : { username, password });
  }
  async logout(refreshToken: string | null): Promise<void> {
    if (!refreshToken) return;
    await plainJson(this.fetchFn, this.base, 'POST', '/api/auth/logout', { refresh_token: refreshToken }).catch(() => undefined);
  }
  me(): Promise<{ user: User }> {
    return this.request('GET', '/api/me');
  }
  async rooms(): Promise<Room[]> {
    return (await this.request<{ rooms: Room[] }>('GET', '/api/rooms')).rooms;
  }
  room(id: number): Promise<Room> {
    return this.request('GET', `/api/rooms/${id}`);
  }
  createRoom(name: string, isPrivate: boolean, accessCode?: string): Promise<Room> {
    const body: Record<string, unknown> = { name, private: isPrivate };
    if (isPrivate && accessCode) body.access_code = accessCode;
    return this.request('POST', '/api/rooms', body);
  }
  joinRoom(id: number, accessCode?: string): Promise<Room> {
    return this.request('POST', `/api/rooms/${id}/join`, accessCode ? { access_code: accessCode } : {});
  }
  leaveRoom(id: number): Promise<void> {
    return this.request('POST', `/api/rooms/${id}/leave`);
  }
  deleteRoom(id: number): Promise<void> {
    return this.request('DELETE', `/api/rooms/${id}`);
  }
  async members(id: number): Promise<Member[]> {
    return (await this.request<{ members: Member[] }>('GET', `/api/rooms/${id}/members`)).members;
  }
  addMember(id: number, username: string): Promise<unknown> {
    return this.request('POST', `/api/rooms/${id}/members`, { username });
  }
  dm(username: string): Promise<Room> {
    return this.request('POST', '/api/dms', { username });
  }
  messagesBefore(room: number, before?: number, limit = 50): Promise<MessagePage> {
    const q = before === undefined ? `limit=${limit}` : `before=${before}&limit=${limit}`;
    return this.request('GET', `/api/rooms/${room}/messages?${q}`);
  }
  messagesAfter(room: number, after: number, limit = 100): Promise<MessagePage> {
    return this.request('GET', `/api/rooms/${room}/messages?after=${after}&limit=${limit}`);
  }
  /** A message and its neighbours, newest first (a documented addition, for a search result). */
  messagesAround(room: number, around: number, limit = 50): Promise<MessagePage> {
    return this.request('GET', `/api/rooms/${room}/messages?around=${around}&limit=${limit}`);
  }
  postMessage(room: number, body: string, clientId?: string): Promise<Message> {
    return this.request('POST', `/api/rooms/${room}/messages`, { body, client_id: clientId });
  }

  // --- v1.1 conversations ---
  editMessage(room: number, id: number, body: string): Promise<Message> {
    return this.request('PATCH', `/api/rooms/${room}/messages/${id}`, { body });
  }
  deleteMessage(room: number, id: number): Promise<void> {
    return this.request('DELETE', `/api/rooms/${room}/messages/${id}`);
  }
  /** Adds (`on`) or removes the caller's reaction; the emoji is percent-encoded in the path. */
  react(room: number, id: number, emoji: string, on: boolean): Promise<Message> {
    return this.request(on ? 'PUT' : 'DELETE', `/api/rooms/${room}/messages/${id}/reactions/${encodeURIComponent(emoji)}`);
  }
  replies(room: number, parent: number, after?: number, limit = 100): Promise<MessagePage> {
    const q = after === undefined ? `limit=${limit}` : `after=${after}&limit=${limit}`;
    return this.request('GET', `/api/rooms/${room}/messages/${parent}/replies?${q}`);
  }
  /** Every message whose rev is above `since` (changed or new), ordered by rev. */
  changes(room: number, since: number, limit = 500): Promise<ChangesPage> {
    return this.request('GET', `/api/rooms/${room}/changes?since=${since}&limit=${limit}`);
  }
  markRead(room: number, upTo: number): Promise<ReadState> {
    return this.request('POST', `/api/rooms/${room}/read`, { up_to: upTo });
  }
  // --- v1.1 search and files ---
  /** Messages of the caller's rooms (or of `room`) holding every word of `q`, newest first. */
  search(q: string, opts: { before?: number; room?: number; limit?: number } = {}): Promise<MessagePage> {
    const p = new URLSearchParams({ q, limit: String(opts.limit ?? 20) });
    if (opts.before !== undefined) p.set('before', String(opts.before));
    if (opts.room !== undefined) p.set('room', String(opts.room));
    return this.request('GET', `/api/search?${p.toString()}`);
  }
  upload(file: Blob, name: string, onProgress: (fraction: number) => void): UploadTask {
    return uploadFile(this.tokens, this.base, file, name, onProgress);
  }
  /** A file's bytes (an Upload's `url`), fetched with the access token. */
  async fileBlob(url: string): Promise<Blob> {
    for (let attempt = 0; ; attempt++) {
      const token = attempt === 0 ? await this.tokens.getAccessToken() : await this.tokens.refresh();
      let res: Response;
      try {
        res = await this.fetchFn(this.base + url, { headers: { Authorization: `Bearer ${token}` } });
      } catch (e) {
        throw new ApiError(0, 'network', (e as Error).message || 'network error');
      }
      if (res.status === 401 && attempt === 0) continue;
      if (!res.ok) throw await errorFromResponse(res);
      return res.blob();
    }
  }
  adminStats(): Promise<Record<string, unknown>> {
    return this.request('GET', '/api/admin/stats');
  }
  metrics(): Promise<string> {
    return this.request('GET', '/metrics');
  }
}
