// v1.1 files: uploads with XMLHttpRequest (fetch has no upload progress), downloads with the access
// token into Blobs (an <img> or a link cannot send the Authorization header).

import type { TokenManager } from '../auth/tokenManager';
import type { Upload } from '../protocol/types';
import { ApiError } from './apiError';

/** An upload in flight: its result, and a way to cancel it (the promise then rejects with code `aborted`). */
export interface UploadTask {
  done: Promise<Upload>;
  abort: () => void;
}

/** The body of an error answer as the contract's ApiError. */
function errorOf(status: number, text: string): ApiError {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e?.code) return new ApiError(status, e.code, e.message ?? e.code);
  } catch {
    /* not JSON */
  }
  return new ApiError(status, status === 413 ? 'payload_too_large' : 'internal', text || `HTTP ${status}`);
}

/**
 * POST /api/uploads?name=… with the file as the raw body; `onProgress` gets the fraction sent
 * (0–1). A 401 refreshes the token once and starts again.
 */
export function uploadFile(tokens: TokenManager, base: string, file: Blob, name: string, onProgress: (fraction: number) => void): UploadTask {
  let xhr: XMLHttpRequest | null = null;
  let aborted = false;
  const once = (token: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const x = new XMLHttpRequest();
      xhr = x;
      x.open('POST', `${base}/api/uploads?name=${encodeURIComponent(name)}`);
      x.setRequestHeader('Authorization', `Bearer ${token}`);
      x.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      x.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      x.onload = () => resolve({ status: x.status, text: x.responseText });
      x.onerror = () => reject(new ApiError(0, 'network', 'network error'));
      x.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
      x.send(file);
    });
  const done = (async () => {
    let res = await once(await tokens.getAccessToken());
    if (res.status === 401 && !aborted) res = await once(await tokens.refresh());
    if (res.status !== 201 && res.status !== 200) throw errorOf(res.status, res.text);
    onProgress(1);
    return (JSON.parse(res.text) as { upload: Upload }).upload;
  })();
  return {
    done,
    abort: () => {
      aborted = true;
      xhr?.abort();
    },
  };
}
