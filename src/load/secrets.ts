/** Resolving link passwords from the environment, files or inline values. */
import type { Finding, LinkSpec, SecretRef, Topology } from '../model/index.js';
import { linkLabel, linkPointer } from '../model/index.js';
import { MAX_SECRET_FILE_BYTES, readReferencedFile, type PathOptions } from './referenced-files.js';

/** Resolved passwords, keyed by link index. */
export type SecretValues = ReadonlyMap<number, string>;

/** Where secret values come from besides files. */
export type SecretEnvironment = Readonly<Record<string, string | undefined>>;

/** Describes a secret reference without its value (for plans, runbooks and messages). */
export function describeSecretRef(ref: SecretRef): string {
  return ref.kind === 'env'
    ? `env ${ref.name}`
    : ref.kind === 'file'
      ? `file ${ref.path}`
      : 'inline value';
}

/** A stable key for "the same password" when values are not resolved: equal refs mean equal values. */
export function secretRefKey(ref: SecretRef): string {
  return ref.kind === 'inline'
    ? `inline:${ref.value}`
    : ref.kind === 'env'
      ? `env:${ref.name}`
      : `file:${ref.path}`;
}

/** Resolves every link's password; failures are `secret-unresolved` findings. */
export async function resolveSecrets(
  topology: Topology,
  env: SecretEnvironment,
  opts: PathOptions,
): Promise<{ values: SecretValues; findings: Finding[] }> {
  const values = new Map<number, string>();
  const findings: Finding[] = [];
  const fileCache = new Map<string, Promise<{ value?: string; reason?: string }>>();
  const readSecretFile = (p: string) => {
    let pending = fileCache.get(p);
    if (!pending) {
      pending = readReferencedFile(p, opts, MAX_SECRET_FILE_BYTES).then((r) =>
        r.status === 'ok'
          ? { value: r.text.replace(/\r?\n$/, '') }
          : { reason: r.status === 'outside-root' ? 'outside-root' : r.reason },
      );
      fileCache.set(p, pending);
    }
    return pending;
  };
  await Promise.all(
    topology.links.map(async (link: LinkSpec) => {
      const ref = link.password;
      if (!ref) return;
      const label = linkLabel(link);
      if (ref.kind === 'inline') {
        values.set(link.index, ref.value);
      } else if (ref.kind === 'env') {
        const v = env[ref.name];
        if (v === undefined || v === '') {
          findings.push({
            rule: 'secret-unresolved',
            severity: 'error',
            message: `password of link ${label}: environment variable ${ref.name} is ${v === undefined ? 'not set' : 'empty'}`,
            pointer: linkPointer(link, 'password', 'env'),
          });
        } else {
          values.set(link.index, v);
        }
      } else {
        const r = await readSecretFile(ref.path);
        if (r.reason === 'outside-root') return; // reported by path-outside-root
        if (r.value === undefined || r.value === '') {
          findings.push({
            rule: 'secret-unresolved',
            severity: 'error',
            message: `password of link ${label}: secret file ${ref.path} ${r.reason ?? 'is empty'}`,
            pointer: linkPointer(link, 'password', 'file'),
          });
        } else {
          values.set(link.index, r.value);
        }
      }
    }),
  );
  return { values, findings };
}
