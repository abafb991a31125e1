import { describe, expect, it } from 'vitest';
import type { Upload } from '../protocol/types';
import { memoryRecordStore, type RecordStore } from '../storage/recordStore';
import { DraftFiles, type DraftFileRecord } from './draftFiles';

const upload: Upload = { id: 1, name: 'a.txt', content_type: 'text/plain', size: 3, url: '/api/uploads/1' };

/** A store whose writes finish in a later task, as IndexedDB's do. */
function slowStore(): RecordStore<DraftFileRecord> {
  const inner = memoryRecordStore<DraftFileRecord>();
  const later = () => new Promise((r) => setTimeout(r, 5));
  return {
    all: inner.all,
    put: async (id, r) => {
      await later();
      await inner.put(id, r);
    },
    delete: async (id) => {
      await later();
      await inner.delete(id);
    },
  };
}

function setup(store: RecordStore<DraftFileRecord> | null = slowStore()) {
  let user: number | null = 1;
  let now = 1_000_000;
  const files = new DraftFiles(store, () => user, () => now);
  return {
    files,
    as: (id: number | null) => (user = id),
    later: (ms: number) => (now += ms),
  };
}

describe('DraftFiles', () => {
  it('keeps a file with its bytes until uploaded, then only the Upload, in order of writes', async () => {
    const { files } = setup();
    const r = files.added('7', 'a.txt', new Blob(['abc']));
    files.uploaded(r, upload); // before the first write is done
    await files.settled();
    const kept = await files.list('7');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ name: 'a.txt', upload });
    expect(kept[0].blob).toBeUndefined();
  });

  it('lists a draft of its user only, oldest first; forget removes one', async () => {
    const { files, as, later } = setup();
    const a = files.added('7', 'first', new Blob(['1']));
    later(10);
    files.added('7', 'second', new Blob(['2']));
    files.added('7/3', 'in a thread', new Blob(['3']));
    as(2);
    files.added('7', 'another user', new Blob(['4']));
    as(1);
    await files.settled();
    expect((await files.list('7')).map((r) => r.name)).toEqual(['first', 'second']);
    files.forget(a!.id);
    await files.settled();
    expect((await files.list('7')).map((r) => r.name)).toEqual(['second']);
    expect((await files.list('7/3')).map((r) => r.name)).toEqual(['in a thread']);
  });

  it('drops files older than three days', async () => {
    const { files, later } = setup();
    files.added('7', 'old', new Blob(['1']));
    await files.settled();
    later(3 * 24 * 3600 * 1000 + 1);
    expect(await files.list('7')).toEqual([]);
  });

  it('keeps nothing without a store or signed out, and a refusing store loses nothing else', async () => {
    expect(setup(null).files.added('7', 'x', new Blob(['1']))).toBeNull();
    const { files, as } = setup();
    as(null);
    expect(files.added('7', 'x', new Blob(['1']))).toBeNull();
    const refusing: RecordStore<DraftFileRecord> = {
      all: () => Promise.reject(new Error('no')),
      put: () => Promise.reject(new Error('full')),
      delete: () => Promise.reject(new Error('no')),
    };
    const f = setup(refusing).files;
    expect(f.added('7', 'x', new Blob(['1']))).not.toBeNull();
    await f.settled();
    expect(await f.list('7')).toEqual([]);
  });
});
