/**
 * The floor of `validate`: the work no validator can skip. Read and parse the topology YAML
 * (`parseDocument` + `toJS`, as avnet does) and read and parse every certificate file with
 * `X509Certificate`. Nothing else: no schema, no rules, no positions.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { TaskOutcome } from '../lib/child.js';

/** Arguments of the floor task. */
export interface FloorArgs {
  readonly file: string;
  /** `sync`: readFileSync in a loop; `async`: fs/promises, 64 files at a time. */
  readonly reads?: 'sync' | 'async';
}

/** Parses the topology and every certificate it names; keeps the results. */
export async function validateFloorTask(args: FloorArgs): Promise<TaskOutcome> {
  const text = await readFile(args.file, 'utf8');
  const doc = parseDocument(text);
  const data = doc.toJS() as { servers?: Record<string, { certificates?: string[] }> };
  const dir = path.dirname(path.resolve(args.file));
  const paths: string[] = [];
  for (const s of Object.values(data.servers ?? {})) {
    for (const c of s.certificates ?? []) paths.push(path.resolve(dir, c));
  }
  const certificates: X509Certificate[] = [];
  if (args.reads === 'async') {
    for (let i = 0; i < paths.length; i += 64) {
      const batch = await Promise.all(paths.slice(i, i + 64).map((p) => readFile(p)));
      for (const bytes of batch) certificates.push(new X509Certificate(bytes));
    }
  } else {
    for (const p of paths) certificates.push(new X509Certificate(readFileSync(p)));
  }
  return {
    result: { servers: Object.keys(data.servers ?? {}).length, certificates: certificates.length },
    retained: { doc, data, certificates },
  };
}
