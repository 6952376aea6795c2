/**
 * The result of comparing two topologies: plain data, the exact shape of `avnet diff --format json`
 * (documented in docs/diff.md). No value here is ever a password: inline passwords appear only
 * as the words `inline value`.
 */

/** Version of the JSON document; bumped only on incompatible changes. */
export const DIFF_FORMAT_VERSION = 1;

/** A JSON value as it appears in `before` / `after`. */
export type DiffValue =
  null | string | number | boolean | readonly DiffValue[] | { readonly [key: string]: DiffValue };

/** One certificate file of a server, identified by its fingerprints when it could be read. */
export interface CertificateValue {
  readonly path: string;
  /** SHA-256 fingerprints of the PEM blocks in the file; null when it is not available or not parseable. */
  readonly sha256: readonly string[] | null;
  readonly [key: string]: DiffValue;
}

/** A server's public key file and the SHA-256 of its SPKI encoding (null when unavailable). */
export interface PublicKeyValue {
  readonly path: string;
  readonly sha256: string | null;
  readonly [key: string]: DiffValue;
}

/** The type (and direction) of a link, as `before` / `after` of a `type` change. */
export type LinkTypeValue =
  | { readonly type: 'parent-child'; readonly parent: string; readonly child: string }
  | { readonly type: 'peer' };

/** One field that differs. */
export interface FieldChange {
  /** Field name, dotted for nested fields: `address`, `flows.updates`, `defaults.encryption`. */
  readonly field: string;
  /** Value in the old topology; null when absent. */
  readonly before: DiffValue;
  /** Value in the new topology; null when absent. */
  readonly after: DiffValue;
  /** Set on an inline password that changed: both values are hidden. */
  readonly sensitive?: true;
  /** Links present on both sides whose effective value changes because of this field. */
  readonly affectedLinks?: number;
}

/** Where one side of the diff came from. */
export interface DiffSourceInfo {
  /** As given on the command line: a file path or `git:REF:PATH`. */
  readonly path: string;
  /** SHA-256 of the topology text. */
  readonly sha256: string;
  readonly servers: number;
  readonly links: number;
}

/** A server that exists on one side only. */
export interface ServerEntry {
  readonly name: string;
  readonly address: string | null;
  readonly version: number;
  readonly certificates: readonly CertificateValue[];
}

/** A server on both sides with differing fields. */
export interface ServerChange {
  readonly name: string;
  readonly fields: readonly FieldChange[];
}

/** A link's identity: its two servers (declaration order, parent first) and its type. */
export interface LinkEntry {
  readonly a: string;
  readonly b: string;
  readonly type: 'parent-child' | 'peer';
  /** `A->B` (parent-child) or `A<->B` (peer); `#2` etc. marks a duplicate link of the same pair. */
  readonly label: string;
}

/** A link on both sides (same pair of servers) with differing fields; identity as in the new topology. */
export interface LinkChange extends LinkEntry {
  readonly fields: readonly FieldChange[];
}

/** Added, removed and changed entries of one section. */
export interface SectionDiff<Entry, Change> {
  readonly added: readonly Entry[];
  readonly removed: readonly Entry[];
  readonly changed: readonly Change[];
}

/** Counts of one section. */
export interface SectionCounts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** The counts, and whether anything differs at all. */
export interface DiffSummary {
  readonly topology: { readonly changed: number };
  readonly servers: SectionCounts;
  readonly links: SectionCounts;
  readonly differences: boolean;
}

/** Everything `avnet diff` reports. */
export interface TopologyDiff {
  readonly version: typeof DIFF_FORMAT_VERSION;
  readonly old: DiffSourceInfo;
  readonly new: DiffSourceInfo;
  /** Topology-wide fields: `name`, `defaults.*`. */
  readonly topology: { readonly fields: readonly FieldChange[] };
  readonly servers: SectionDiff<ServerEntry, ServerChange>;
  readonly links: SectionDiff<LinkEntry, LinkChange>;
  /** Limits of the comparison, e.g. a certificate that could not be read and was compared by path. */
  readonly notes: readonly string[];
  readonly summary: DiffSummary;
}
