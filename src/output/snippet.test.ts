import { describe, expect, it } from 'vitest';
import { SnippetLines } from './snippet.js';

function lines(text: string, secretRanges: [number, number][] = []): SnippetLines {
  return new SnippetLines({ text, secretRanges });
}

describe('SnippetLines.lineAround', () => {
  const long = 'a: ' + 'x'.repeat(1000) + ' END';

  it.each([
    { column: 1, wantColumn: 1, startsWith: 'a: xx', endsWith: '…' },
    { column: 100, wantColumn: 100, startsWith: 'a: xx', endsWith: '…' },
    { column: 500, wantColumn: 62, startsWith: '…xx', endsWith: '…' },
    { column: long.length, wantColumn: 200, startsWith: '…xx', endsWith: ' END' },
  ])('keeps column $column of a long line on screen', ({ column, wantColumn, ...want }) => {
    const got = lines(long).lineAround(1, column)!;
    expect(got.column).toBe(wantColumn);
    expect(got.text.startsWith(want.startsWith)).toBe(true);
    expect(got.text.endsWith(want.endsWith)).toBe(true);
    expect(got.text.length).toBeLessThanOrEqual(202);
    // The caret points at the same character as in the whole line.
    const original = long[column - 1];
    expect(got.text[got.column - 1]).toBe(original);
  });

  it('returns short lines whole, and nothing past the last line', () => {
    expect(lines('a: 1\nb: 2').lineAround(2, 4)).toEqual({ text: 'b: 2', column: 4 });
    expect(lines('a: 1').lineAround(3, 1)).toBeUndefined();
  });

  it('masks a password wherever the window falls', () => {
    const secret = 'hunter2-very-secret';
    const text = `k: ${'y'.repeat(400)}, password: ${secret}, z: ${'w'.repeat(400)}`;
    const at = text.indexOf(secret);
    for (const column of [1, at - 10, at + 1, text.length]) {
      const got = lines(text, [[at, at + secret.length]]).lineAround(1, column)!;
      expect(got.text).not.toContain('hunter2');
    }
  });
});
