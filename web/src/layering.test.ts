// The folders of src/ form layers, and an import may only point down. This test reads every
// source file's imports and fails on an import into a folder its own folder may not use, so that
// the layering in web/README.md stays true as the app grows.

import { describe, expect, it } from 'vitest';

/** Each folder and the folders its files may import from (besides their own and npm packages). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  protocol: [],
  storage: [],
  format: [],
  i18n: [],
  admin: [],
  health: [],
  auth: ['protocol', 'storage'],
  net: ['protocol', 'auth'],
  chat: ['protocol', 'storage', 'auth', 'net'],
  testing: ['protocol', 'storage', 'net'],
  components: ['protocol', 'net', 'chat', 'admin', 'format', 'i18n'],
  app: ['protocol', 'storage', 'auth', 'net', 'chat', 'admin', 'format', 'i18n', 'components', 'health'],
  '.': ['app'],
};

/** The top folder of a path relative to src/ ('.' for a file directly in src/). */
function topFolder(path: string): string {
  const parts = path.split('/');
  return parts.length > 1 ? parts[0] : '.';
}

/** Resolves `spec`, imported by the file at `from` (both relative to src/), to a path relative to src/. */
function resolve(from: string, spec: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  return parts.join('/');
}

/** The imports of one file that break the layering, as "file → import". */
function violations(file: string, source: string): string[] {
  const folder = topFolder(file);
  const allowed = MAY_IMPORT[folder];
  if (!allowed) return [`${file}: folder "${folder}" has no layering rule`];
  const out: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
    const spec = m[1];
    if (!spec.startsWith('.')) continue; // an npm package
    const target = topFolder(resolve(file, spec));
    if (target !== folder && !allowed.includes(target)) out.push(`${file} → ${spec}`);
  }
  return out;
}

const sources = import.meta.glob(['./**/*.ts', './**/*.tsx', '!./**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

describe('layering', () => {
  it('sees the source files', () => {
    expect(Object.keys(sources)).toContain('./chat/chatStore.ts');
    expect(Object.keys(sources).length).toBeGreaterThan(50);
  });

  it('finds an import that points up or sideways', () => {
    expect(violations('chat/rooms.ts', "import { api } from '../app/session';")).toEqual(['chat/rooms.ts → ../app/session']);
    expect(violations('net/api.ts', "import type {\n  ChatStore,\n} from '../chat/chatStore';")).toEqual(['net/api.ts → ../chat/chatStore']);
    expect(violations('chat/rooms.ts', "import type { Api } from '../net/api';\nimport { x } from './y';")).toEqual([]);
  });

  it('holds for every source file', () => {
    const found = Object.entries(sources).flatMap(([path, text]) => violations(path.slice(2), text));
    expect(found).toEqual([]);
  });
});
