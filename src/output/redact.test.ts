import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from './redact.js';

function redactorOf(...values: string[]): Redactor {
  const r = new Redactor();
  r.add(values);
  return r;
}

describe('Redactor', () => {
  it.each([
    { values: ['s3cret'], text: 'pw=s3cret;', want: `pw=${REDACTED};` },
    { values: ['s3cret'], text: 's3crets3cret', want: `${REDACTED}${REDACTED}` },
    { values: ['abc'], text: 'abc abcd', want: 'abc abcd' }, // too short to redact
    { values: ['abcd', 'abcdef'], text: 'xabcdefx abcdx', want: `x${REDACTED}x ${REDACTED}x` },
    // Overlapping values: nothing of either survives.
    { values: ['abcd', 'cdef'], text: '-abcdef-', want: `-${REDACTED}-` },
    { values: ['bcde', 'zabcdefgh'], text: 'zabcdefgh', want: REDACTED },
    { values: ['bcde', 'abcdefgh'], text: 'abcdefgX', want: `a${REDACTED}fgX` },
    // The JSON-escaped form of a value is redacted too.
    { values: ['pa"ss\\wd'], text: '{"p":"pa\\"ss\\\\wd"}', want: `{"p":"${REDACTED}"}` },
    { values: ['пароль-ü'], text: 'x пароль-ü y', want: `x ${REDACTED} y` },
  ])('$text with $values', ({ values, text, want }) => {
    expect(redactorOf(...values).redact(text)).toBe(want);
  });

  it('returns text unchanged with no values, and picks up values added later', () => {
    const r = new Redactor();
    expect(r.redact('hello world')).toBe('hello world');
    r.add(['world']);
    expect(r.redact('hello world')).toBe(`hello ${REDACTED}`);
    r.add(['hello']);
    expect(r.redact('hello world')).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('leaves no registered value in any text (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '"', '\\', ' ');
    const word = fc.string({ unit: alphabet, minLength: 4, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 6 }),
        fc.array(fc.oneof(word, fc.string({ unit: alphabet, maxLength: 5 })), { maxLength: 12 }),
        (values, pieces) => {
          const r = redactorOf(...values);
          const out = r.redact(pieces.join(''));
          // The replacement itself must not form a value; skip values that occur in it.
          for (const v of values) {
            if (!REDACTED.includes(v)) expect(out.split(REDACTED).join('\n')).not.toContain(v);
          }
        },
      ),
    );
  });

  it('matches thousands of values in one pass over a large text', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `pw-${i.toString(36)}-${i * 7919}`);
    const r = redactorOf(...values);
    const text = values.map((v, i) => `{"server":"S${i}","password":"${v}"}`).join('\n');
    const out = r.redact(text);
    expect(out.split(REDACTED).length - 1).toBe(values.length);
    expect(out).not.toMatch(/pw-/);
  });
});
