/** Turns findings (pointers) into diagnostics (file, line, column) using the source map. */
import type { Diagnostic, Finding, RelatedLocation } from '../model/index.js';
import { visibleText } from '../model/index.js';
import type { SourceMap } from '../load/index.js';

/**
 * Resolves the position of each finding and of its related places. Messages echo names from the
 * file; here, in one place for every rule, characters that would not show as themselves (a
 * right-to-left override, a zero-width space, a newline) are written as `⟨U+XXXX⟩`.
 */
export function locateFindings(
  findings: readonly (Finding & { offset?: number })[],
  file: string,
  map: SourceMap | undefined,
): Diagnostic[] {
  return findings.map((f) => {
    const at = map
      ? f.offset !== undefined
        ? map.locateOffset(f.offset)
        : map.locate(f.pointer, f.target)
      : { line: 1, column: 1, endLine: 1, endColumn: 1 };
    const related: RelatedLocation[] | undefined = f.related?.map((r) => {
      const pos = map ? map.locate(r.pointer, r.target) : { line: 1, column: 1 };
      return {
        file: r.file ?? file,
        line: pos.line,
        column: pos.column,
        message: visibleText(r.message),
        pointer: r.pointer,
      };
    });
    const d: Diagnostic = {
      rule: f.rule,
      severity: f.severity,
      message: visibleText(f.message),
      file,
      line: at.line,
      column: at.column,
      endLine: at.endLine,
      endColumn: at.endColumn,
      pointer: f.pointer,
      ...(related && related.length > 0 ? { related } : {}),
      ...(f.server !== undefined ? { server: f.server } : {}),
      ...(f.neighbor !== undefined ? { neighbor: f.neighbor } : {}),
    };
    return d;
  });
}
