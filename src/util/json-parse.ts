/**
 * JSON.parse with an error that says where, never what: V8's messages quote the input ("Unexpected
 * token 'b', "...broken" is not valid JSON"), which puts raw newlines into one-line errors and
 * could echo a password from a state file. The reason here keeps V8's words for what went wrong
 * and replaces the quoted input by a line and column.
 */

/** A parsed value, or why the text is not JSON (one line, no quoted input). */
export type JsonParse =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** Parses JSON; a failure reads like "not valid JSON at line 2, column 2 (unexpected token 'b')". */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = (err as Error).message;
    const position = /at position (\d+)/.exec(message);
    const token = /^Unexpected token '(.)'/u.exec(message);
    let offset: number | undefined = position ? Number(position[1]) : undefined;
    let what: string;
    if (token) {
      offset ??= text.indexOf(token[1]!);
      what = `unexpected ${JSON.stringify(token[1])}`;
    } else if (/Unexpected end of JSON input/.test(message)) {
      offset = text.length;
      what = 'the text ends too early';
    } else {
      // V8's own wording without any quoted input: "Expected ',' or '}' after property value".
      what = message
        .replace(/ in JSON at position \d+.*$/s, '')
        .replace(/,?\s*".*$/s, '')
        .replace(/[\r\n]+/g, ' ');
      what = what.charAt(0).toLowerCase() + what.slice(1);
    }
    const where = offset !== undefined && offset >= 0 ? ` at ${lineAndColumn(text, offset)}` : '';
    return { ok: false, reason: `not valid JSON${where} (${what})` };
  }
}
