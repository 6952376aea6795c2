/** Printing diagnostics: text, json, github and sarif. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../model/index.js';
import { countBySeverity, escapeHiddenInJson, failsValidation } from '../model/index.js';
import type { RuleDoc } from '../validate/index.js';
import { SnippetLines, UNPRINTABLE, type SnippetSource } from './snippet.js';
import type { Colors } from './colors.js';

/** Formats `validate` can print. */
export const DIAGNOSTIC_FORMATS = ['text', 'json', 'github', 'sarif'] as const;

/** One of the diagnostic output formats. */
export type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

/** What the formatters need besides the diagnostics. */
export interface DiagnosticReport {
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly strict: boolean;
  /** Source of the topology for snippets (text format). */
  readonly source?: SnippetSource;
  /** Counts for the summary line. */
  readonly servers?: number;
  readonly links?: number;
  /** Servers whose state could not be read (audit): the check is incomplete and fails. */
  readonly unreadable?: readonly string[];
}

/** True when the report fails: an error, a warning under --strict, or state it could not read. */
export function reportFails(
  report: Pick<DiagnosticReport, 'diagnostics' | 'strict' | 'unreadable'>,
): boolean {
  return (report.unreadable ?? []).length > 0 || failsValidation(report.diagnostics, report.strict);
}

/**
 * Text for one line of terminal output: messages echo names from the file, which may hold
 * newlines or terminal escape sequences; show them escaped instead of acting on them.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function where(d: { file?: string; line?: number; column?: number }): string {
  if (d.file === undefined) return '';
  const file = printable(d.file);
  return d.line !== undefined ? `${file}:${d.line}:${d.column ?? 1}` : file;
}

/** `FILE:LINE:COL: SEVERITY: MESSAGE [rule]`, the source line and a caret, then a summary. */
export function formatDiagnosticsText(report: DiagnosticReport, c: Colors): string {
  const lines: string[] = [];
  const snippets = report.source ? new SnippetLines(report.source) : undefined;
  for (const d of report.diagnostics) {
    const sev = d.severity === 'error' ? c.red(c.bold('error')) : c.yellow(c.bold('warning'));
    const at = where(d);
    const subject =
      d.server !== undefined
        ? `${d.server}${d.neighbor !== undefined ? ` -> ${d.neighbor}` : ''}: `
        : '';
    lines.push(
      `${at ? c.bold(at) + ': ' : ''}${sev}: ${printable(subject + d.message)} ${c.dim(`[${d.rule}]`)}`,
    );
    const around =
      d.line !== undefined && d.file === report.file
        ? snippets?.lineAround(d.line, Math.max(1, d.column ?? 1))
        : undefined;
    const text = around?.text;
    if (around !== undefined && text !== undefined && text.trim() !== '') {
      const num = String(d.line);
      const col = around.column;
      const from = Math.max(1, d.column ?? 1);
      const width =
        d.endLine === d.line && d.endColumn !== undefined && d.endColumn > from
          ? Math.min(d.endColumn - from, Math.max(1, text.length - col + 1))
          : 1;
      lines.push(`${c.dim(`${num} |`)} ${text}`);
      lines.push(
        `${' '.repeat(num.length)} ${c.dim('|')} ${' '.repeat(col - 1)}${c.cyan('^'.repeat(width))}`,
      );
    }
    for (const r of d.related ?? []) {
      lines.push(`  ${c.dim('note:')} ${where(r) ? where(r) + ': ' : ''}${printable(r.message)}`);
    }
  }
  const { errors, warnings } = countBySeverity(report.diagnostics);
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const size =
    report.servers !== undefined
      ? ` (${report.servers} server${report.servers === 1 ? '' : 's'}, ${report.links ?? 0} link${report.links === 1 ? '' : 's'})`
      : '';
  const unreadable = report.unreadable ?? [];
  if (unreadable.length > 0) {
    // Not "valid": what could not be read was not checked.
    lines.push(
      c.red(
        `${printable(report.file)}: incomplete: ${unreadable.length} server${unreadable.length === 1 ? '' : 's'} could not be read (${printable(listSome(unreadable))}); checked${size || ' nothing'}: ${counts}`,
      ),
    );
  } else if (reportFails(report)) {
    lines.push(
      c.red(
        `${printable(report.file)}: invalid: ${counts}${report.strict && errors === 0 ? ' (warnings fail under --strict)' : ''}`,
      ),
    );
  } else {
    lines.push(
      c.green(`${printable(report.file)}: valid${size}${warnings > 0 ? `, ${counts}` : ''}`),
    );
  }
  return lines.join('\n') + '\n';
}

/** The JSON shape of the CLI contract. */
export function formatDiagnosticsJson(report: DiagnosticReport): string {
  const { errors, warnings } = countBySeverity(report.diagnostics);
  const body = {
    version: 1,
    file: report.file,
    valid: !reportFails(report),
    errors,
    warnings,
    ...(report.unreadable && report.unreadable.length > 0
      ? { unreadable: [...report.unreadable] }
      : {}),
    diagnostics: report.diagnostics.map((d) => ({
      rule: d.rule,
      severity: d.severity,
      message: d.message,
      ...(d.file !== undefined ? { file: d.file } : {}),
      ...(d.line !== undefined ? { line: d.line, column: d.column } : {}),
      ...(d.endLine !== undefined ? { endLine: d.endLine, endColumn: d.endColumn } : {}),
      ...(d.pointer !== undefined ? { pointer: d.pointer } : {}),
      ...(d.server !== undefined ? { server: d.server } : {}),
      ...(d.neighbor !== undefined ? { neighbor: d.neighbor } : {}),
      related: (d.related ?? []).map((r) => ({
        ...(r.file !== undefined ? { file: r.file } : {}),
        ...(r.line !== undefined ? { line: r.line, column: r.column } : {}),
        message: r.message,
      })),
    })),
  };
  // Pointers hold names as data: bidi and invisible characters go out as \u escapes.
  return escapeHiddenInJson(JSON.stringify(body, null, 2)) + '\n';
}

/** The first few names and how many more. */
function listSome(names: readonly string[], shown = 5): string {
  const head = names.slice(0, shown).join(', ');
  return names.length > shown ? `${head} and ${names.length - shown} more` : head;
}

function escapeData(s: string): string {
  return s
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(UNPRINTABLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=RULE::MESSAGE`. */
export function formatDiagnosticsGithub(report: DiagnosticReport): string {
  const out = report.diagnostics.map((d) => {
    const level = d.severity === 'error' || report.strict ? 'error' : 'warning';
    const props = [
      d.file !== undefined ? `file=${escapeProperty(d.file)}` : undefined,
      d.line !== undefined ? `line=${d.line}` : undefined,
      d.column !== undefined ? `col=${d.column}` : undefined,
      d.endLine !== undefined ? `endLine=${d.endLine}` : undefined,
      d.endColumn !== undefined && d.endLine === d.line ? `endColumn=${d.endColumn}` : undefined,
      `title=${escapeProperty(d.rule)}`,
    ].filter((p) => p !== undefined);
    return `::${level} ${props.join(',')}::${escapeData(d.message)}`;
  });
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** The uriBaseId relative artifact locations are declared against: the folder avnet ran in. */
export const SARIF_SRCROOT = 'SRCROOT';

/**
 * A SARIF artifact location for a file path: relative to `cwd` (and to SRCROOT) when the file is
 * inside it, otherwise an absolute `file://` URI; a bare absolute path is not a URI (SARIF1004).
 */
export function sarifArtifactLocation(
  file: string,
  cwd: string,
): { uri: string; uriBaseId?: string } {
  // Already a URI (an http backend's server URL in audit diagnostics): kept as it is.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return { uri: file };
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { uri: pathToFileURL(absolute).href };
  }
  return {
    uri: relative.split(path.sep).map(encodeURIComponent).join('/'),
    uriBaseId: SARIF_SRCROOT,
  };
}

/** SARIF 2.1.0 with one reportingDescriptor per rule id and its help text. */
export function formatDiagnosticsSarif(
  report: DiagnosticReport,
  docs: readonly RuleDoc[],
  tool: { version: string; docsUrl: string; cwd: string },
): string {
  const ruleIndex = new Map(docs.map((d, i) => [d.id, i]));
  const location = (file: string) => sarifArtifactLocation(file, tool.cwd);
  const region = (d: { line?: number; column?: number; endLine?: number; endColumn?: number }) =>
    d.line === undefined
      ? undefined
      : {
          startLine: d.line,
          startColumn: d.column ?? 1,
          ...(d.endLine !== undefined ? { endLine: d.endLine, endColumn: d.endColumn } : {}),
        };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'avnet',
            version: tool.version,
            informationUri: tool.docsUrl.replace(/(\/blob\/[^/]+)?\/docs\/rules\.md$/, ''),
            rules: docs.map((d) => ({
              id: d.id,
              name: d.id
                .split('-')
                .map((w) => w[0]!.toUpperCase() + w.slice(1))
                .join(''),
              shortDescription: { text: d.summary },
              fullDescription: { text: d.description },
              helpUri: `${tool.docsUrl}#${d.id}`,
              help: {
                text: `${d.summary}\n\n${d.description}\n\nFailing:\n${d.example.failing}\nFixed:\n${d.example.fixed}`,
                markdown: `${d.description}\n\nFailing:\n\n\`\`\`yaml\n${d.example.failing}\`\`\`\n\nFixed:\n\n\`\`\`yaml\n${d.example.fixed}\`\`\``,
              },
              defaultConfiguration: { level: d.severity === 'error' ? 'error' : 'warning' },
            })),
          },
        },
        // Declared without a uri: the root is wherever the log is read (a checkout in CI).
        originalUriBaseIds: {
          [SARIF_SRCROOT]: {
            description: { text: 'The folder avnet ran in (the repository root in CI).' },
          },
        },
        results: report.diagnostics.map((d) => ({
          ruleId: d.rule,
          ruleIndex: ruleIndex.get(d.rule) ?? -1,
          level: d.severity === 'error' || report.strict ? 'error' : 'warning',
          message: { text: d.message },
          locations:
            d.file !== undefined
              ? [
                  {
                    physicalLocation: {
                      artifactLocation: location(d.file),
                      ...(region(d) ? { region: region(d) } : {}),
                    },
                  },
                ]
              : [],
          ...(d.related && d.related.length > 0
            ? {
                relatedLocations: d.related.map((r, i) => ({
                  id: i + 1,
                  message: { text: r.message },
                  physicalLocation: {
                    artifactLocation: location(r.file ?? d.file ?? ''),
                    ...(region(r) ? { region: region(r) } : {}),
                  },
                })),
              }
            : {}),
        })),
      },
    ],
  };
  return escapeHiddenInJson(JSON.stringify(sarif, null, 2)) + '\n';
}
