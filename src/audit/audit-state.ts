/** The audit stage: actual-state rules over every server's state. */
import type { Diagnostic, ServerState } from '../model/index.js';
import { compareDiagnostics } from '../model/index.js';
import { STATE_RULES } from './rules/index.js';
import type { StateRule } from './state-rule.js';

/** Runs the actual-state rules; `fileOf` names where a server's state lives (a state file), if anywhere. */
export function auditState(
  servers: ReadonlyMap<string, ServerState>,
  opts: {
    now: Date;
    fileOf?: (server: string) => string | undefined;
    rules?: readonly StateRule[];
    /** Servers whose state could not be read. */
    unreadable?: ReadonlySet<string>;
  },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const input = {
    servers,
    now: opts.now,
    ...(opts.unreadable ? { unreadable: opts.unreadable } : {}),
  };
  for (const rule of opts.rules ?? STATE_RULES) {
    for (const f of rule.checkState(input)) {
      const file = f.server !== undefined ? opts.fileOf?.(f.server) : undefined;
      out.push({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        ...(file !== undefined ? { file } : {}),
        pointer: f.pointer,
        ...(f.server !== undefined ? { server: f.server } : {}),
        ...(f.neighbor !== undefined ? { neighbor: f.neighbor } : {}),
        ...(f.related
          ? {
              related: f.related.map((r) => ({
                message: r.message,
                pointer: r.pointer,
                ...(r.server !== undefined ? { server: r.server } : {}),
                ...(r.server !== undefined && opts.fileOf?.(r.server) !== undefined
                  ? { file: opts.fileOf(r.server) }
                  : {}),
              })),
            }
          : {}),
      });
    }
  }
  return out.sort(
    (a, b) => (a.server ?? '').localeCompare(b.server ?? '') || compareDiagnostics(a, b),
  );
}
