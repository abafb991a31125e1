// Where the admin's user list stands: the cursor of each page seen, so that "previous" goes back
// exactly (the list is paged forward by `after`).

export class UserPager {
  /** The `after` of every page up to the current one; undefined is the first page. */
  private readonly cursors: Array<number | undefined> = [undefined];

  get current(): number | undefined {
    return this.cursors[this.cursors.length - 1];
  }
  get page(): number {
    return this.cursors.length;
  }
  get hasPrevious(): boolean {
    return this.cursors.length > 1;
  }
  /** Moves to the page after `nextAfter` (a page's `next_after`). */
  next(nextAfter: number): void {
    this.cursors.push(nextAfter);
  }
  previous(): void {
    if (this.hasPrevious) this.cursors.pop();
  }
}
