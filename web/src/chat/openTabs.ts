// Which tabs of this origin are alive, so that a tab resends only its own unsent messages and
// those of closed tabs, never those another open tab is already sending. Each tab holds a Web Lock
// named after its id for its whole life; the browser releases it when the tab goes away. The id
// survives a reload of the tab (sessionStorage), so a reloaded tab resumes its own messages at once.

export interface TabRegistry {
  readonly id: string;
  /** Ids of the tabs alive now (this one included). */
  alive(): Promise<Set<string>>;
}

const LOCK_PREFIX = 'parley.tab.';
const SESSION_KEY = 'parley.tabId';

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : Math.random().toString(36).slice(2);
}

/** A registry that knows only itself: every other tab counts as gone (tests, old browsers). */
export function soloTab(id = randomId()): TabRegistry {
  return { id, alive: async () => new Set([id]) };
}

/** The tab's id, kept in sessionStorage so that a reload of the tab keeps owning its messages. */
function tabId(): string {
  try {
    const stored = sessionStorage.getItem(SESSION_KEY);
    if (stored) return stored;
    const id = randomId();
    sessionStorage.setItem(SESSION_KEY, id);
    return id;
  } catch {
    return randomId();
  }
}

/** Web Locks when available; without them, other tabs count as gone (a double send is deduplicated). */
export function browserTabs(): TabRegistry {
  const id = tabId();
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks || typeof locks.request !== 'function' || typeof locks.query !== 'function') return soloTab(id);
  // Held until the tab closes: the promise never settles.
  void locks.request(LOCK_PREFIX + id, () => new Promise<void>(() => {})).catch(() => undefined);
  return {
    id,
    async alive() {
      const ids = new Set([id]);
      try {
        const snapshot = await locks.query();
        for (const l of [...(snapshot.held ?? []), ...(snapshot.pending ?? [])]) {
          if (l.name?.startsWith(LOCK_PREFIX)) ids.add(l.name.slice(LOCK_PREFIX.length));
        }
      } catch {
        /* unknown: only this tab */
      }
      return ids;
    },
  };
}
