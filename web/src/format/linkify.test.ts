import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('turns http(s) URLs into links and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1, ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', ok' },
    ]);
  });
  it('never links other schemes', () => {
    for (const s of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'ftp://x.y', 'JAVASCRIPT://%0aalert(1)']) {
      expect(linkify(s).every((seg) => seg.kind === 'text')).toBe(true);
    }
  });
  it('keeps markup as text', () => {
    const segs = linkify('<script>alert("x")</script> <img src=x onerror=alert(1)>');
    expect(segs).toEqual([{ kind: 'text', text: '<script>alert("x")</script> <img src=x onerror=alert(1)>' }]);
  });
  it('stops a URL at quotes and angle brackets and drops sentence punctuation', () => {
    const segs = linkify('go to http://a.test/x". or (http://b.test/y) or http://c.test/wiki/Foo_(bar).');
    const links = segs.filter((s) => s.kind === 'link').map((s) => s.text);
    expect(links).toEqual(['http://a.test/x', 'http://b.test/y', 'http://c.test/wiki/Foo_(bar)']);
    expect(segs.map((s) => s.text).join('')).toBe('go to http://a.test/x". or (http://b.test/y) or http://c.test/wiki/Foo_(bar).');
  });
});
