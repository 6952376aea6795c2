/** Human wording of diff values, shared by the text and markdown formatters. */
import type {
  CertificateValue,
  DiffSummary,
  DiffValue,
  FieldChange,
  LinkEntry,
  PublicKeyValue,
  ServerEntry,
} from './diff-model.js';

/** Wraps one atomic value for display: identity for text, a code span for markdown. */
export type Quote = (value: string) => string;

/**
 * Replaces control characters (ANSI escapes, newlines) with `\uXXXX`, so a topology under review
 * cannot rewrite the reviewer's terminal or break a line-based format.
 */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

/** The first eight bytes of a colon-separated fingerprint, then an ellipsis. */
export function shortSha(fingerprint: string): string {
  const parts = fingerprint.split(':');
  return parts.length > 8 ? parts.slice(0, 8).join(':') + '…' : fingerprint;
}

function isCertificateList(v: DiffValue): v is readonly CertificateValue[] {
  return Array.isArray(v);
}

function fingerprints(vs: readonly CertificateValue[], q: Quote): string {
  const parts = vs.flatMap((v) =>
    v.sha256 === null ? [`${q(v.path)} unavailable`] : v.sha256.map((fp) => q(shortSha(fp))),
  );
  return parts.length === 0 ? '(none)' : parts.join(', ');
}

function certificateItems(vs: readonly CertificateValue[], q: Quote): string {
  if (vs.length === 0) return '(none)';
  return vs
    .map((v) => {
      const fps =
        v.sha256 === null
          ? 'unavailable'
          : v.sha256.length === 0
            ? 'no certificate'
            : `sha256 ${v.sha256.map((fp) => q(shortSha(fp))).join(', ')}`;
      return `${q(v.path)} (${fps})`;
    })
    .join(', ');
}

function sortedKey(vs: readonly CertificateValue[], pick: (v: CertificateValue) => string[]) {
  return JSON.stringify(vs.flatMap(pick).sort());
}

/** `changed (sha256 AB:… → CD:…)` when only contents changed, otherwise the files with fingerprints. */
function describeCertificates(
  before: readonly CertificateValue[],
  after: readonly CertificateValue[],
  q: Quote,
): string {
  const paths = (v: CertificateValue) => [v.path];
  const fps = (v: CertificateValue) => [...(v.sha256 ?? [`?${v.path}`])];
  if (sortedKey(before, paths) === sortedKey(after, paths)) {
    return `changed (sha256 ${fingerprints(before, q)} → ${fingerprints(after, q)})`;
  }
  const known = [...before, ...after].every((v) => v.sha256 !== null);
  if (known && sortedKey(before, fps) === sortedKey(after, fps)) {
    const list = (vs: readonly CertificateValue[]) =>
      vs.length === 0 ? '(none)' : vs.map((v) => q(v.path)).join(', ');
    return `${list(before)} → ${list(after)} (same certificates, sha256 ${fingerprints(after, q)})`;
  }
  return `${certificateItems(before, q)} → ${certificateItems(after, q)}`;
}

function describePublicKey(v: PublicKeyValue | null, q: Quote): string {
  if (v === null) return '(none)';
  return `${q(v.path)} (${v.sha256 === null ? 'unavailable' : `sha256 ${q(shortSha(v.sha256))}`})`;
}

function describeType(v: DiffValue, q: Quote): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const t = v as { type?: unknown; parent?: unknown; child?: unknown };
    if (t.type === 'parent-child') {
      return `parent-child ${q(`${String(t.parent)}->${String(t.child)}`)}`;
    }
    if (t.type === 'peer') return 'peer';
  }
  return describeValue(v, q);
}

/** A plain value: `(none)` for absent, lists in brackets. */
export function describeValue(v: DiffValue, q: Quote): string {
  if (v === null) return '(none)';
  if (Array.isArray(v)) return `[${(v as DiffValue[]).map((x) => describeValue(x, q)).join(', ')}]`;
  if (typeof v === 'object') return q(JSON.stringify(v));
  return q(String(v));
}

/** `1 link`, `2 links`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** One field change as `field: before → after`; an inline password only as `(sensitive) changed`. */
export function describeFieldChange(c: FieldChange, q: Quote, field: Quote = q): string {
  const name = field(c.field);
  if (c.sensitive) return `${name}: (sensitive) changed`;
  let body: string;
  if (c.field === 'certificates' && isCertificateList(c.before) && isCertificateList(c.after)) {
    body = describeCertificates(c.before, c.after, q);
  } else if (c.field === 'publicKey') {
    body = `${describePublicKey(c.before as PublicKeyValue | null, q)} → ${describePublicKey(
      c.after as PublicKeyValue | null,
      q,
    )}`;
  } else if (c.field === 'type') {
    body = `${describeType(c.before, q)} → ${describeType(c.after, q)}`;
  } else {
    body = `${describeValue(c.before, q)} → ${describeValue(c.after, q)}`;
  }
  const effect =
    c.affectedLinks !== undefined ? ` (affects ${plural(c.affectedLinks, 'link')})` : '';
  return `${name}: ${body}${effect}`;
}

/** A short description of a server that exists on one side only. */
export function describeServerEntry(s: ServerEntry, q: Quote): string {
  const parts: string[] = [];
  if (s.address !== null) parts.push(`address ${q(s.address)}`);
  parts.push(`version ${s.version}`);
  if (s.certificates.length > 0) parts.push(`certificates ${certificateItems(s.certificates, q)}`);
  return parts.join(', ');
}

/** `MAIN->AUX (parent-child)`. */
export function describeLinkEntry(l: LinkEntry, q: Quote): string {
  return `${q(l.label)} (${l.type})`;
}

/** `Servers: 1 added, 0 removed, 2 changed. Links: ...` (and the topology-wide fields if any). */
export function summaryLine(s: DiffSummary): string {
  const section = (title: string, c: { added: number; removed: number; changed: number }) =>
    `${title}: ${c.added} added, ${c.removed} removed, ${c.changed} changed.`;
  const parts = [section('Servers', s.servers), section('Links', s.links)];
  if (s.topology.changed > 0)
    parts.push(`Topology: ${plural(s.topology.changed, 'field')} changed.`);
  return parts.join(' ');
}
