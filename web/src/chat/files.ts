// v1.1 files: attachments' bytes fetched with the access token into object URLs, one per file,
// kept while the session lives (revoked when it stops).

import type { Api } from '../net/api';

export class Files {
  private readonly urls = new Map<string, Promise<string>>();
  constructor(private readonly api: Api) {}

  /** An object URL of the file at `url` (an Upload's), fetched once. */
  objectUrl(url: string): Promise<string> {
    let p = this.urls.get(url);
    if (!p) {
      p = this.api.fileBlob(url).then((b) => URL.createObjectURL(b));
      p.catch(() => this.urls.delete(url));
      this.urls.set(url, p);
    }
    return p;
  }

  stop(): void {
    for (const p of this.urls.values()) p.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
    this.urls.clear();
  }
}
