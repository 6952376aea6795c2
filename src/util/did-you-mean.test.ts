import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestMatches, didYouMean, editDistance, maxEdits } from './did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['adress', 'address', 1],
    ['MIAN', 'MAIN', 1],
    ['ca', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['😀a', 'a😀', 1],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('stops at the limit', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 1)).toBe(2);
  });

  it('agrees with the full computation whenever it is within the limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        const full = editDistance(a, b);
        for (const limit of [0, 1, 2]) {
          const cut = editDistance(a, b, limit);
          expect(cut).toBe(full <= limit ? full : limit + 1);
        }
      }),
    );
  });
});

describe('closestMatches', () => {
  const servers = ['MAIN', 'AUXILIARY', 'BRANCH-1', 'BRANCH-2', 'EAST', 'WEST'];

  it.each([
    ['a case-only difference wins', 'main', ['MAIN']],
    ['a transposition', 'MIAN', ['MAIN']],
    ['a missing letter', 'AUXILARY', ['AUXILIARY']],
    ['two edits in a long name', 'AUXILLIRY', ['AUXILIARY']],
    ['ties in candidate order', 'BRANCH-3', ['BRANCH-1', 'BRANCH-2']],
    ['nothing close', 'NORTH-POLE', []],
    ['no guesses for names under 3 characters', 'EA', []],
    ['the input itself is not a suggestion', 'EAST', []],
  ])('%s', (_what, input, want) => {
    expect(closestMatches(input, servers)).toEqual(want);
  });

  it('suggests keys', () => {
    const keys = ['address', 'version', 'certificates', 'publicKey', 'consoleUrl', 'api'];
    expect(closestMatches('adress', keys)).toEqual(['address']);
    expect(closestMatches('certificate', keys)).toEqual(['certificates']);
    expect(closestMatches('publickey', keys)).toEqual(['publicKey']);
    expect(closestMatches('ip', keys)).toEqual([]);
  });

  it('offers at most three', () => {
    expect(closestMatches('S-0', ['S-1', 'S-2', 'S-3', 'S-4'])).toEqual(['S-1', 'S-2', 'S-3']);
  });

  it('allows more edits for longer input', () => {
    expect([maxEdits('ab'), maxEdits('abc'), maxEdits('abcde'), maxEdits('abcdef')]).toEqual([
      0, 1, 1, 2,
    ]);
  });
});

describe('didYouMean', () => {
  it('phrases zero, one and several suggestions', () => {
    expect(didYouMean([])).toBe('');
    expect(didYouMean(['MAIN'])).toBe(' (did you mean "MAIN"?)');
    expect(didYouMean(['A', 'B'])).toBe(' (did you mean "A" or "B"?)');
    expect(didYouMean(['A', 'B', 'C'])).toBe(' (did you mean "A", "B" or "C"?)');
  });

  it('shows invisible characters of a suggestion', () => {
    expect(didYouMean(['MA\u200bIN'])).toBe(' (did you mean "MA⟨U+200B⟩IN"?)');
  });
});
