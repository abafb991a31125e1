import { useEffect, useState } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { Upload } from '../../protocol/types';

/** Types shown as thumbnails (the ones the server serves inline; SVG stays a file). */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const THUMB_MAX_W = 320;
const THUMB_MAX_H = 240;

export function isImage(a: Pick<Upload, 'content_type'>): boolean {
  return IMAGE_TYPES.has(a.content_type.toLowerCase().split(';')[0].trim());
}

/** A byte count for people: 512 B, 12.3 KB, 4.5 MB. */
export function formatSize(n: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toLocaleString(lang, { maximumFractionDigits: 1 })} ${units[u]}`;
}

/** The thumbnail's box: the image's own size scaled into the maximum, when the server knows it. */
function thumbSize(a: Upload): { width: number; height: number } | null {
  if (!a.width || !a.height) return null;
  const scale = Math.min(1, THUMB_MAX_W / a.width, THUMB_MAX_H / a.height);
  return { width: Math.max(1, Math.round(a.width * scale)), height: Math.max(1, Math.round(a.height * scale)) };
}

function useObjectUrl(chat: ChatStore, url: string): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    chat.fileUrl(url).then(
      (u) => live && setSrc(u),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [chat, url]);
  return src;
}

function ImageAttachment({ chat, a }: { chat: ChatStore; a: Upload }) {
  const { t } = useI18n();
  const src = useObjectUrl(chat, a.url);
  const [open, setOpen] = useState(false);
  const size = thumbSize(a);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <>
      <button type="button" className="attachment-image" aria-label={fmt(t.openImage, { name: a.name })} onClick={() => setOpen(true)} style={size ?? undefined}>
        {src ? <img src={src} alt={a.name} width={size?.width} height={size?.height} /> : <span className="attachment-placeholder" />}
      </button>
      {open && src && (
        <div className="lightbox" role="dialog" aria-modal="true" aria-label={a.name} onClick={() => setOpen(false)}>
          <img src={src} alt={a.name} />
          <button type="button" className="lightbox-close" aria-label={t.closeImage} onClick={() => setOpen(false)} autoFocus>
            ×
          </button>
        </div>
      )}
    </>
  );
}

function FileAttachment({ chat, a }: { chat: ChatStore; a: Upload }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    try {
      const href = await chat.fileUrl(a.url);
      const link = document.createElement('a');
      link.href = href;
      link.download = a.name;
      link.rel = 'noopener';
      document.body.appendChild(link);
      link.click();
      link.remove();
    } catch (e) {
      chat.handleError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="attachment-file">
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path d="M6 2h8l5 5v15H6z M14 2v5h5" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinejoin="round" />
      </svg>
      <span className="attachment-name" title={a.name}>
        {a.name}
      </span>
      <span className="attachment-size">{formatSize(a.size, lang)}</span>
      <button type="button" className="ghost attachment-download" aria-label={fmt(t.download, { name: a.name })} disabled={busy} onClick={() => void download()}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path d="M12 4v11m-5-5l5 5 5-5M5 20h14" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
    </div>
  );
}

/** A message's files: images as thumbnails (full size on click), others as a card with a download button. */
export function Attachments({ chat, attachments }: { chat: ChatStore; attachments: readonly Upload[] }) {
  const { t } = useI18n();
  if (!attachments.length) return null;
  return (
    <div className="attachments" role="group" aria-label={t.attachmentsLabel}>
      {attachments.map((a) => (isImage(a) ? <ImageAttachment key={a.id} chat={chat} a={a} /> : <FileAttachment key={a.id} chat={chat} a={a} />))}
    </div>
  );
}
