import { describe, expect, it } from 'vitest';
import { parseJson } from './json-parse.js';

describe('parseJson', () => {
  it('parses JSON', () => {
    expect(parseJson('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it.each([
    [
      '{ "name": "AUX", \n broken',
      'not valid JSON at line 2, column 2 (expected double-quoted property name)',
    ],
    ['broken', 'not valid JSON at line 1, column 1 (unexpected "b")'],
    ['{"a": 1', "not valid JSON at line 1, column 8 (expected ',' or '}' after property value)"],
    ['', 'not valid JSON at line 1, column 1 (the text ends too early)'],
  ])('says where %j fails, on one line', (text, reason) => {
    expect(parseJson(text)).toEqual({ ok: false, reason });
  });

  it('never quotes the input (a password in a broken state file stays out of the message)', () => {
    const secret = 'state-file-password-5d1e';
    for (const text of [
      `{"password": "${secret}" x}`,
      `${secret}`,
      `{"password": "${secret}\n"}`,
      `[1, ]\n{"password": "${secret}"}`,
    ]) {
      const r = parseJson(text);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.reason).not.toContain(secret.slice(0, 8));
      expect(r.reason).not.toMatch(/[\r\n]/);
    }
  });
});
