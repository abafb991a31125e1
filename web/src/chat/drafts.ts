// What the user typed and has not sent yet, kept per room (and per thread) while the page lives (a
// reload starts empty).

const drafts = new Map<string, string>();

/** A draft's key: the room, or a thread in it. */
export function draftKey(roomId: number, threadParent?: number): string {
  return threadParent === undefined ? String(roomId) : `${roomId}/${threadParent}`;
}

export function draftOf(key: string): string {
  return drafts.get(key) ?? '';
}

export function keepDraft(key: string, text: string): void {
  drafts.set(key, text);
}
