/** YAML parsing with the limits a hostile file needs: aliases, depth, one document, unique keys. */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { Finding } from '../model/index.js';
import { MAX_NESTING, excessiveNestingAt } from './nesting-depth.js';

/** Aliases a file may expand; far above what any real topology uses, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 1000;

/** A parsed YAML document with its plain-data view and line index. */
export interface ParsedYaml {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly data: unknown;
  /** Offsets of `yaml-syntax` findings, resolved to positions by the source map. */
  readonly syntaxErrors: readonly { readonly message: string; readonly offset: number }[];
}

const MESSAGES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'duplicate key: this key is already defined in the same mapping',
  MULTIPLE_DOCS: 'the file contains several YAML documents; a topology is exactly one document',
  RESOURCE_EXHAUSTION: 'the file is nested too deeply or expands too much to be a topology',
};

/** Most YAML syntax errors reported one by one; the rest are counted in one more finding. */
export const MAX_SYNTAX_ERRORS = 20;

/** Parses topology text; syntax problems are returned, never thrown. */
export function parseTopologyYaml(text: string): ParsedYaml {
  const tooDeep = excessiveNestingAt(text);
  if (tooDeep !== undefined) return refusedAsTooDeep(text, tooDeep);
  // yaml's own duplicate-key check compares each key with every earlier key of its mapping:
  // quadratic, a quarter of the parse at 10,000 servers. Parse without it, look for duplicates
  // with a set, and only when there is one parse again with the check, for its exact errors.
  let { doc, lineCounter } = parseWith(text, false);
  if (hasDuplicateKey(doc)) ({ doc, lineCounter } = parseWith(text, true));
  else doc.options.uniqueKeys = true;
  // A broken line can make yaml report hundreds of errors; the first ones are what helps.
  const syntaxErrors: { message: string; offset: number }[] = doc.errors
    .slice(0, MAX_SYNTAX_ERRORS)
    .map((e) => ({
      message:
        e.code === 'DUPLICATE_KEY'
          ? duplicateKeyMessage(keyAt(text, e.pos[0]))
          : (MESSAGES[e.code] ?? `YAML syntax error: ${firstLine(e.message)}`),
      offset: e.pos[0],
    }));
  if (doc.errors.length > MAX_SYNTAX_ERRORS) {
    syntaxErrors.push({
      message: `${doc.errors.length - MAX_SYNTAX_ERRORS} more YAML syntax errors follow (the first ${MAX_SYNTAX_ERRORS} are shown); fix these first`,
      offset: doc.errors[MAX_SYNTAX_ERRORS]!.pos[0],
    });
  }
  let data: unknown = null;
  if (syntaxErrors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const message =
        err instanceof ReferenceError && /excessive alias/i.test(err.message)
          ? `too many alias expansions (limit ${MAX_ALIAS_COUNT}): the file looks like an alias bomb`
          : err instanceof RangeError
            ? MESSAGES.RESOURCE_EXHAUSTION!
            : `YAML cannot be converted to data: ${firstLine(String((err as Error).message))}`;
      syntaxErrors.push({ message, offset: 0 });
    }
  }
  return { doc, lineCounter, data, syntaxErrors };
}

/** The result for a file refused before parsing: no document, one finding at `offset`. */
function refusedAsTooDeep(text: string, offset: number): ParsedYaml {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0); // as yaml's lexer does: line 1 starts at offset 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lineCounter.addNewLine(i + 1);
  }
  return {
    doc: parseDocument('', { lineCounter: new LineCounter() }),
    lineCounter,
    data: null,
    syntaxErrors: [
      {
        message: `the file nests collections more than ${MAX_NESTING} levels deep; no topology needs that`,
        offset,
      },
    ],
  };
}

function parseWith(
  text: string,
  uniqueKeys: boolean,
): { doc: Document.Parsed; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys,
    version: '1.2',
    merge: false,
    keepSourceTokens: false,
  });
  return { doc, lineCounter };
}

/**
 * True when a mapping repeats a key the way yaml's `uniqueKeys: true` sees it: two scalar keys
 * with `===` values (so NaN never repeats). Iterative: deep nesting must not overflow the stack.
 */
function hasDuplicateKey(doc: Document.Parsed): boolean {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.value === key.value) {
          if (seen.has(key.value)) return true;
          seen.add(key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  return false;
}

/** Turns syntax errors into findings (positions come from the offsets via the source map). */
export function syntaxFindings(parsed: ParsedYaml): (Finding & { offset: number })[] {
  return parsed.syntaxErrors.map((e) => ({
    rule: 'yaml-syntax',
    severity: 'error',
    message: e.message,
    pointer: '',
    offset: e.offset,
  }));
}

/** The key starting at `offset`: a quoted one up to its closing quote, a plain one up to `: `. */
function keyAt(text: string, offset: number): string {
  const head = text.slice(offset, offset + 200);
  const quoted = /^(["'])(.*?)\1/.exec(head);
  if (quoted) return quoted[2]!;
  return /^(.*?)(?=:(?:\s|$)|[,}\]\n])/.exec(head)?.[1]?.trim() ?? '';
}

/** Names the repeated key when it is a short plain one (keys are server and field names). */
function duplicateKeyMessage(key: string): string {
  return key.length > 0 && key.length <= 64 && /^[^\n\r{}[\],#]+$/.test(key)
    ? `duplicate key ${JSON.stringify(key)}: it is already defined in the same mapping`
    : MESSAGES.DUPLICATE_KEY!;
}

function firstLine(message: string): string {
  return (
    (message.split('\n')[0] ?? message)
      .replace(/ at line \d+, column \d+:?$/, '')
      // Some yaml messages quote the offending source text, which may be a password.
      .replace(/(in YAML stream|extra characters|Not a YAML token): .*$/, '$1')
      .trim()
  );
}
