import { describe, expect, it } from 'vitest';
import type { Member, Message } from '../protocol/types';
import { alertsMention, completeMention, findMentions, mentionQueryAt, mentionSegments, mentionsUser, suggestMembers } from './mentions';

const names = (text: string) => findMentions(text).map((m) => m.name);

describe('the whole-word mention rule', () => {
  it('takes the longest run of name characters less trailing dots', () => {
    expect(names('hi @Bob.')).toEqual(['Bob']);
    expect(names('@bob, @ann... and @cy.d')).toEqual(['bob', 'ann', 'cy.d']);
    expect(names('@bobby @bob_x @bob-y')).toEqual(['bobby', 'bob_x', 'bob-y']);
  });

  it('needs the @ at the start or after a character that is not a name character', () => {
    expect(names('mail ann@bob.com')).toEqual([]);
    expect(names('(@bob) "@ann"\n@cy')).toEqual(['bob', 'ann', 'cy']);
    expect(names('@ @. x')).toEqual([]);
    expect(names('@@bob')).toEqual(['bob']); // an @ is not a name character
  });

  it('splits text into plain runs and mentions of known names only', () => {
    const known = (n: string) => n === 'bob';
    expect(mentionSegments('hi @Bob. and @bobby', known)).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Bob', name: 'Bob' },
      { kind: 'text', text: '. and @bobby' },
    ]);
    expect(mentionSegments('', known)).toEqual([{ kind: 'text', text: '' }]);
  });

  it('says whether a message mentions the user (never a deleted one)', () => {
    const m = { id: 1, room: 7, from: { id: 2, username: 'bo' }, body: '@ann', ts: 'x', mentions: [1] } as Message;
    expect(mentionsUser(m, 1)).toBe(true);
    expect(mentionsUser(m, 3)).toBe(false);
    expect(mentionsUser({ ...m, deleted: true }, 1)).toBe(false);
    expect(alertsMention(7, true, { room: 7, message: m })).toBe(false);
    expect(alertsMention(7, false, { room: 7, message: m })).toBe(true);
    expect(alertsMention(8, true, { room: 7, message: m })).toBe(true);
  });
});

describe('@ completion', () => {
  const members: Member[] = ['ann', 'bob', 'bobby', 'Carol', 'rob'].map((username, i) => ({ id: i + 1, username, role: 'member', online: i % 2 === 0 }));

  it('finds the name being typed at the caret', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('hi @bo there', 12)).toBeNull();
    expect(mentionQueryAt('ann@bo', 6)).toBeNull();
    expect(mentionQueryAt('hi @bob', 5)).toEqual({ start: 3, query: 'b' });
  });

  it('offers members starting with the query, then containing it, never the user', () => {
    expect(suggestMembers(members, 'bo', 1).map((m) => m.username)).toEqual(['bob', 'bobby']);
    expect(suggestMembers(members, 'OB', 1).map((m) => m.username)).toEqual(['bob', 'bobby', 'rob']);
    expect(suggestMembers(members, '', 1, 3).map((m) => m.username)).toEqual(['bob', 'bobby', 'Carol']);
  });

  it('replaces the typed part with the name and a space', () => {
    expect(completeMention('hi @bo', 3, 6, 'bobby')).toEqual({ text: 'hi @bobby ', caret: 10 });
    expect(completeMention('hi @bo there', 3, 5, 'bob')).toEqual({ text: 'hi @bob there', caret: 8 });
  });
});
