/** `avnet validate` as a library call: loadTopology + validateTopology, the CLI's pipeline. */
import { loadTopology } from '../../src/load/index.js';
import { TOPOLOGY_RULES, validateTopology, type TopologyRule } from '../../src/validate/index.js';
import type { TaskOutcome } from '../lib/child.js';

/** Arguments of the library task. */
export interface LibraryArgs {
  readonly file: string;
  /** Diagnosis only: leave these rules out (the real measurement runs every rule). */
  readonly skipRules?: readonly string[];
  /** Also time each rule's check on its own, after the measured run. */
  readonly ruleTimings?: boolean;
}

/** Loads and validates a topology; reports the diagnostic counts (and per-rule times). */
export async function validateLibraryTask(args: LibraryArgs): Promise<TaskOutcome> {
  const skip = new Set(args.skipRules ?? []);
  const rules = TOPOLOGY_RULES.filter((r) => !skip.has(r.id));
  const loaded = await loadTopology(args.file);
  const validation = validateTopology(loaded, skip.size > 0 ? { rules } : {});
  return {
    result: {
      servers: loaded.topology.servers.size,
      links: loaded.topology.links.length,
      errors: validation.errors,
      warnings: validation.warnings,
      firstDiagnostics: validation.diagnostics
        .slice(0, 5)
        .map((d) => `${d.line}:${d.column} ${d.rule}: ${d.message}`),
      ...(args.ruleTimings ? { ruleMs: timeRules(rules, loaded, validation) } : {}),
    },
    retained: { loaded, validation },
  };
}

/** Each rule's check time on the loaded topology, slowest first. */
function timeRules(
  rules: readonly TopologyRule[],
  loaded: Awaited<ReturnType<typeof loadTopology>>,
  validation: ReturnType<typeof validateTopology>,
): Record<string, number> {
  const input = {
    topology: loaded.topology,
    files: loaded.files,
    certificates: validation.certificates,
    secrets: loaded.secrets,
    now: new Date(),
    expiryWarningSeconds: 30 * 86400,
  };
  const times: [string, number][] = rules.map((rule) => {
    const started = performance.now();
    rule.check(input);
    return [rule.id, performance.now() - started];
  });
  times.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(times.map(([id, ms]) => [id, Math.round(ms * 10) / 10]));
}
