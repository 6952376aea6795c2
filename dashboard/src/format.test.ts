import { describe, expect, it } from 'vitest';
import { domId, explainReason, formatValue, reasonWords, shortSha } from './format.js';

describe('domId', () => {
  it('keeps plain names readable and gives distinct names distinct ids', () => {
    expect(domId('server', 'SITE-00042')).toBe('server-SITE-00042');
    const names = ['A_20', 'A 20', 'A%20', 'A_2', 'Ä', 'A"B', 'A]B', '東京', '', '_'];
    const ids = names.map((n) => domId('server', n));
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('formatValue', () => {
  it('writes entry fields as one line', () => {
    expect(formatValue({ updates: 'send', events: 'receive' })).toBe(
      'updates: send; events: receive',
    );
    expect(formatValue([])).toBe('(none)');
    expect(formatValue(['a', 'b'])).toBe('a, b');
    expect(formatValue(null)).toBe('–');
    expect(formatValue(false)).toBe('false');
  });
});

describe('state words', () => {
  it('names a link reason in words with its explanation, and a commit by its short SHA', () => {
    expect(reasonWords('wrong-password')).toBe('wrong password');
    expect(explainReason('wrong-password')).toContain('different passwords');
    expect(explainReason('no-such-reason')).toBeNull();
    expect(shortSha('9f3c'.padEnd(40, '0'))).toBe('9f3c000');
    expect(shortSha('ab'.repeat(32))).toBe('abababababab');
    expect(shortSha(null)).toBe('–');
  });
});
