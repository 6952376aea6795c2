import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ASCII_PROTOTYPES, confusable, confusableDifference, skeleton } from './confusables.js';

const unhomoglyph = createRequire(import.meta.url)('unhomoglyph') as (s: string) => string;

describe('skeleton (UTS #39)', () => {
  it('maps look-alike letters of other scripts to their prototypes', () => {
    expect(skeleton('АLPHA')).toBe(skeleton('ALPHA')); // Cyrillic А
    expect(skeleton('ΑLPHA')).toBe(skeleton('ALPHA')); // Greek Α
    expect(skeleton('ＡLPHA')).toBe(skeleton('ALPHA')); // fullwidth Ａ
    expect(skeleton('MAIN-ОFFICE')).toBe(skeleton('MAIN-OFFICE')); // Cyrillic О
  });

  it('maps ASCII look-alikes too: 1 l I |, 0 O, rn m', () => {
    expect(confusable('MAIN1', 'MAINl')).toBe(true);
    expect(confusable('SRV-I', 'SRV-1')).toBe(true);
    expect(confusable('SERVER0', 'SERVERO')).toBe(true);
    expect(confusable('modern', 'rnodern')).toBe(true);
  });

  it('removes default-ignorable characters (zero width space, soft hyphen, joiners)', () => {
    expect(skeleton('AL\u200bPHA')).toBe(skeleton('ALPHA'));
    expect(skeleton('AL\u00adPHA')).toBe(skeleton('ALPHA'));
    expect(skeleton('\u2060AL\u200dPHA\ufeff')).toBe(skeleton('ALPHA'));
    expect(skeleton('ALPHA\u202e')).toBe(skeleton('ALPHA'));
  });

  it('is built on NFD: precomposed and decomposed accents are the same name', () => {
    expect(confusable('Süd', 'Su\u0308d')).toBe(true);
    expect(confusable('Süd', 'Sud')).toBe(false);
  });

  it('keeps different names apart, case included', () => {
    expect(confusable('ALPHA', 'BRAVO')).toBe(false);
    expect(confusable('MAIN', 'main')).toBe(false);
    expect(confusable('BRANCH-1', 'BRANCH-2')).toBe(false);
    expect(confusable('ALPHA', 'ALPHA')).toBe(false);
  });

  it("the ASCII fast path agrees with the package's table for every ASCII character", () => {
    for (let i = 0; i < 128; i++) {
      const c = String.fromCharCode(i);
      expect(ASCII_PROTOTYPES[c] ?? c, `U+${i.toString(16)}`).toBe(unhomoglyph(c));
      // The non-ASCII path (forced by a trailing é, then cut off) gives the same skeleton.
      expect(skeleton(c + 'é').slice(0, -2)).toBe(skeleton(c));
    }
  });
});

describe('confusableDifference', () => {
  it('shows the differing middle of each name', () => {
    expect(confusableDifference('АLPHA', 'ALPHA')).toEqual({ a: 'А', b: 'A' });
    expect(confusableDifference('MAIN-1', 'MAIN-l')).toEqual({ a: '1', b: 'l' });
    expect(confusableDifference('AL\u200bPHA', 'ALPHA')).toEqual({ a: '\u200b', b: '' });
    expect(confusableDifference('modern', 'rnodern')).toEqual({ a: 'm', b: 'rn' });
  });
});
