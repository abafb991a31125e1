// What the user typed in a room and has not sent yet, kept per room while the page lives (a
// reload starts empty).

const drafts = new Map<number, string>();

export function draftOf(roomId: number): string {
  return drafts.get(roomId) ?? '';
}

export function keepDraft(roomId: number, text: string): void {
  drafts.set(roomId, text);
}
