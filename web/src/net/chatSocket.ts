// The app's single WebSocket: authenticates with an `auth` frame (or, with `subprotocolAuth`, the
// v1.1 token in the subprotocol list), keeps the set of rooms it should be subscribed to, and on every (re)connection rejoins them with `since` = the last id seen.
// Sends are kept until acknowledged and resent with the same client_id after a reconnect, so the
// server's idempotency makes them arrive exactly once. Reconnects back off exponentially with jitter.

import type { ServerFrame, User } from '../protocol/types';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The subset of the browser WebSocket this client uses (so tests can supply their own). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The v1.1 subprotocol the server selects, and the prefix of the entry that carries the token. */
export const PARLEY_SUBPROTOCOL = 'parley.v1';
export const BEARER_SUBPROTOCOL_PREFIX = 'parley.bearer.';
/** The ref of the ping that confirms a connection authenticated by its upgrade. */
const HELLO_REF = 'hello';

export interface ChatSocketOptions {
  url: string;
  createSocket?: (url: string, protocols?: string[]) => SocketLike;
  /**
   * Authenticate on the upgrade, the token in the subprotocol list (never in the URL), instead of
   * with an `auth` frame. `currentUser` is then who the token is of (the server sends no `authed`).
   */
  subprotocolAuth?: { currentUser: () => User | null };
  /** A valid access token; `force` asks for a refreshed one (after the server refused the last). */
  getToken: (force: boolean) => Promise<string>;
  /** The last message id this client has for a room, for `since` on (re)join. */
  lastSeen: (room: number) => number | undefined;
  random?: () => number;
  timers?: Timers;
  baseDelayMs?: number;
  maxDelayMs?: number;
  pingIntervalMs?: number;
  /** Silence after which the connection is presumed dead. */
  idleTimeoutMs?: number;
  ackTimeoutMs?: number;
  authTimeoutMs?: number;
}

export interface SocketEvents {
  state?: (state: ConnectionState, info: { attempt: number; delayMs?: number }) => void;
  authed?: (user: User) => void;
  frame?: (frame: ServerFrame) => void;
  ack?: (clientId: string, room: number, id: number, ts: string) => void;
  sendFailed?: (clientId: string, room: number, code: string, message: string) => void;
  joinFailed?: (room: number, code: string, message: string) => void;
  /** An error frame not tied to a send or join (or with no ref). */
  error?: (code: string, message: string) => void;
  sessionExpired?: () => void;
}

interface OutboxEntry {
  clientId: string;
  room: number;
  frame: Record<string, unknown>;
  sent: boolean;
  timer: unknown;
}

const OPEN = 1;

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  // "Equal jitter": at least half the exponential step, so growth stays visible, plus a random part.
  return Math.round(cap / 2 + random() * (cap / 2));
}

export class ChatSocket {
  private ws: SocketLike | null = null;
  private state_: ConnectionState = 'idle';
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private idleTimer: unknown = null;
  private authTimer: unknown = null;
  private authed = false;
  private stopped = true;
  private generation = 0;
  private readonly rooms = new Set<number>();
  private readonly outbox = new Map<string, OutboxEntry>();
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly createSocket: (url: string, protocols?: string[]) => SocketLike;
  private events: SocketEvents = {};

  constructor(private readonly opts: ChatSocketOptions) {
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.random = opts.random ?? Math.random;
    this.createSocket = opts.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike);
  }

  get state(): ConnectionState {
    return this.state_;
  }

  get isOpen(): boolean {
    return this.authed && this.ws?.readyState === OPEN;
  }

  /** Rooms this client keeps subscribed. */
  get subscribedRooms(): number[] {
    return [...this.rooms];
  }

  on(events: SocketEvents): void {
    this.events = { ...this.events, ...events };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes for good (logout). Unacknowledged sends are dropped. */
  stop(): void {
    this.stopped = true;
    this.clearAllTimers();
    for (const e of this.outbox.values()) if (e.timer !== null) this.timers.clearTimeout(e.timer);
    this.outbox.clear();
    this.rooms.clear();
    const ws = this.ws;
    this.ws = null;
    this.authed = false;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(1000, 'bye');
    }
    this.setState('closed');
  }

  /** Drops the current connection and reconnects at once (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.state_ === 'reconnecting') {
      if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }
  }

  join(room: number): void {
    this.rooms.add(room);
    if (this.isOpen) this.sendJoin(room);
  }

  leave(room: number): void {
    const had = this.rooms.delete(room);
    if (had && this.isOpen) this.raw({ type: 'leave', room, ref: `leave:${room}` });
  }

  /** Forgets a room without telling the server (it was deleted, or we lost access). */
  forget(room: number): void {
    this.rooms.delete(room);
  }

  /**
   * Queues a message; it is sent now when connected, otherwise after the next connection.
   * `replyTo` makes it a reply in the thread of that message.
   */
  send(room: number, body: string, clientId: string, extra: { meta?: Record<string, unknown>; replyTo?: number; attachments?: readonly number[] } = {}): void {
    const frame: Record<string, unknown> = { type: 'send', room, body, client_id: clientId, ref: `send:${clientId}` };
    if (extra.meta) frame.meta = extra.meta;
    if (extra.attachments?.length) frame.attachments = extra.attachments;
    if (extra.replyTo !== undefined) frame.reply_to = extra.replyTo;
    const old = this.outbox.get(clientId);
    if (old?.timer) this.timers.clearTimeout(old.timer);
    const entry: OutboxEntry = { clientId, room, frame, sent: false, timer: null };
    this.outbox.set(clientId, entry);
    if (this.isOpen) this.transmit(entry);
  }

  /** Whether a send is still waiting for its ack. */
  isQueued(clientId: string): boolean {
    return this.outbox.has(clientId);
  }

  typing(room: number): void {
    if (this.isOpen) this.raw({ type: 'typing', room });
  }

  /**
   * Moves the read position of a room (answered by a `read_state` frame). False when not
   * connected: the caller uses REST instead.
   */
  read(room: number, upTo: number): boolean {
    if (!this.isOpen) return false;
    this.raw({ type: 'read', room, up_to: upTo, ref: `read:${room}` });
    return true;
  }

  // --- internals ---

  private setState(state: ConnectionState, delayMs?: number): void {
    if (this.state_ === state && delayMs === undefined) return;
    this.state_ = state;
    this.events.state?.(state, { attempt: this.attempt, delayMs });
  }

  private raw(frame: Record<string, unknown>): void {
    try {
      this.ws?.send(JSON.stringify(frame));
    } catch {
      /* the close handler will reconnect */
    }
  }

  private sendJoin(room: number): void {
    const frame: Record<string, unknown> = { type: 'join', room, ref: `join:${room}` };
    const since = this.opts.lastSeen(room);
    if (since !== undefined) frame.since = since;
    this.raw(frame);
  }

  private transmit(entry: OutboxEntry): void {
    entry.sent = true;
    this.raw(entry.frame);
    if (entry.timer !== null) this.timers.clearTimeout(entry.timer);
    const ackTimeout = this.opts.ackTimeoutMs ?? 15_000;
    entry.timer = this.timers.setTimeout(() => {
      entry.timer = null;
      if (this.outbox.get(entry.clientId) !== entry) return;
      this.outbox.delete(entry.clientId);
      this.events.sendFailed?.(entry.clientId, entry.room, 'timeout', 'no acknowledgement from the server');
    }, ackTimeout);
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    this.authed = false;
    this.setState(this.attempt === 0 && this.state_ !== 'reconnecting' ? 'connecting' : 'reconnecting');
    if (this.opts.subprotocolAuth) {
      this.connectWithToken(gen);
      return;
    }
    let ws: SocketLike;
    try {
      ws = this.createSocket(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (gen !== this.generation) return;
      this.opts.getToken(this.attempt > 0 && this.lastCloseWasAuth).then(
        (token) => {
          if (gen !== this.generation || ws.readyState !== OPEN) return;
          this.raw({ type: 'auth', token });
          this.authTimer = this.timers.setTimeout(() => {
            if (gen === this.generation && !this.authed) ws.close(4000, 'auth timeout');
          }, this.opts.authTimeoutMs ?? 10_000);
        },
        (err: unknown) => {
          if (gen !== this.generation) return;
          // Only a refused session ends the socket; a refresh that failed for lack of network
          // (the server is restarting) is retried with the next connection attempt.
          if ((err as Error)?.name === 'SessionExpiredError') this.expireSession();
          else ws.close(4000, 'no token yet');
        },
      );
      this.touch();
    };
    ws.onmessage = (ev) => {
      if (gen !== this.generation) return;
      this.touch();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      this.handle(frame);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
    ws.onclose = (ev) => {
      if (gen !== this.generation) return;
      this.onClosed(ev.code);
    };
  }

  private lastCloseWasAuth = false;
  /** Whether the current connection's upgrade succeeded (a refused one never opens). */
  private opened = false;

  /**
   * Way 4: the token goes in the subprotocol list, so it is fetched before the socket exists. A
   * refused upgrade (401) never opens: the next attempt then asks for a refreshed token, and a
   * refresh that is refused too ends the session.
   */
  private connectWithToken(gen: number): void {
    const force = this.attempt > 0 && this.lastCloseWasAuth;
    this.opts.getToken(force).then(
      (token) => {
        if (gen !== this.generation || this.stopped) return;
        let ws: SocketLike;
        try {
          ws = this.createSocket(this.opts.url, [PARLEY_SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX + token]);
        } catch {
          this.scheduleReconnect();
          return;
        }
        this.ws = ws;
        this.opened = false;
        ws.onopen = () => {
          if (gen !== this.generation) return;
          this.opened = true;
          // Authenticated already; the pong says the server has loaded the user (or the error
          // and 4001 before it that it refused the session).
          this.raw({ type: 'ping', ref: HELLO_REF });
          this.authTimer = this.timers.setTimeout(() => {
            if (gen === this.generation && !this.authed) ws.close(4000, 'auth timeout');
          }, this.opts.authTimeoutMs ?? 10_000);
          this.touch();
        };
        ws.onmessage = (ev) => {
          if (gen !== this.generation) return;
          this.touch();
          let frame: ServerFrame;
          try {
            frame = JSON.parse(String(ev.data)) as ServerFrame;
          } catch {
            return;
          }
          this.handle(frame);
        };
        ws.onerror = () => {
          /* onclose follows */
        };
        ws.onclose = (ev) => {
          if (gen !== this.generation) return;
          this.onClosed(this.opened ? ev.code : 4001);
        };
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        if ((err as Error)?.name === 'SessionExpiredError') this.expireSession();
        else this.scheduleReconnect();
      },
    );
  }

  private expireSession(): void {
    const ws = this.ws;
    this.stopped = true;
    this.clearAllTimers();
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, 'session expired');
    }
    this.setState('closed');
    this.events.sessionExpired?.();
  }

  private onClosed(code: number): void {
    this.ws = null;
    this.authed = false;
    this.clearConnTimers();
    // Sends in flight go back to the queue: they are resent (same client_id) after reconnecting.
    for (const e of this.outbox.values()) {
      e.sent = false;
      if (e.timer !== null) this.timers.clearTimeout(e.timer);
      e.timer = null;
    }
    if (this.stopped) return;
    this.lastCloseWasAuth = code === 4001;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt, this.opts.baseDelayMs ?? 500, this.opts.maxDelayMs ?? 30_000, this.random);
    this.attempt += 1;
    this.setState('reconnecting', delay);
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private touch(): void {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    const ws = this.ws;
    this.idleTimer = this.timers.setTimeout(() => {
      // Nothing heard for too long: the connection is dead even if the browser has not noticed.
      if (ws && ws === this.ws) {
        ws.onclose = null;
        ws.close(4000, 'idle');
        this.onClosed(1006);
      }
    }, this.opts.idleTimeoutMs ?? 60_000);
  }

  private startPing(): void {
    const interval = this.opts.pingIntervalMs ?? 25_000;
    const tick = () => {
      this.pingTimer = this.timers.setTimeout(() => {
        if (this.isOpen) this.raw({ type: 'ping' });
        tick();
      }, interval);
    };
    tick();
  }

  private handle(frame: ServerFrame): void {
    if (frame.type === 'pong' && this.opts.subprotocolAuth && !this.authed && frame.ref === HELLO_REF) {
      const user = this.opts.subprotocolAuth.currentUser();
      if (user) this.handle({ type: 'authed', user } as ServerFrame);
      return;
    }
    switch (frame.type) {
      case 'authed': {
        this.authed = true;
        this.attempt = 0;
        this.lastCloseWasAuth = false;
        if (this.authTimer !== null) this.timers.clearTimeout(this.authTimer);
        this.authTimer = null;
        this.setState('open');
        this.events.authed?.(frame.user);
        for (const room of this.rooms) this.sendJoin(room);
        for (const entry of this.outbox.values()) if (!entry.sent) this.transmit(entry);
        this.startPing();
        return;
      }
      case 'ack': {
        const cid = frame.client_id ?? (frame.ref?.startsWith('send:') ? frame.ref.slice(5) : undefined);
        if (cid) {
          const entry = this.outbox.get(cid);
          if (entry?.timer) this.timers.clearTimeout(entry.timer);
          this.outbox.delete(cid);
          this.events.ack?.(cid, frame.room, frame.id, frame.ts);
        }
        return;
      }
      case 'error': {
        const ref = frame.ref ?? '';
        if (ref.startsWith('send:')) {
          const cid = ref.slice(5);
          const entry = this.outbox.get(cid);
          if (entry) {
            if (entry.timer) this.timers.clearTimeout(entry.timer);
            this.outbox.delete(cid);
            this.events.sendFailed?.(cid, entry.room, frame.code, frame.message);
            return;
          }
        } else if (ref.startsWith('read:')) {
          return; // a read position that did not move: the next read (or the next room list) corrects it
        } else if (ref.startsWith('join:')) {
          const room = Number(ref.slice(5));
          this.rooms.delete(room);
          this.events.joinFailed?.(room, frame.code, frame.message);
          return;
        }
        if (!this.authed && frame.code === 'unauthorized') {
          this.lastCloseWasAuth = true;
          return; // close 4001 follows
        }
        this.events.error?.(frame.code, frame.message);
        return;
      }
      default:
        this.events.frame?.(frame);
    }
  }

  private clearConnTimers(): void {
    for (const t of [this.pingTimer, this.idleTimer, this.authTimer]) if (t !== null) this.timers.clearTimeout(t);
    this.pingTimer = this.idleTimer = this.authTimer = null;
  }

  private clearAllTimers(): void {
    this.clearConnTimers();
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}
