/**
 * A server's neighbor entries, desired next to actual, for the dashboard's details panel. Every
 * password is masked and certificates are shown by fingerprint: the answer holds no secret and
 * stays small even for servers with many neighbors.
 */
import { X509Certificate } from 'node:crypto';
import {
  SENSITIVE_FIELDS,
  type DesiredServerState,
  type NeighborEntry,
  type ServerState,
} from '../model/index.js';
import { diffEntry } from '../plan/index.js';
import {
  MASKED_SECRET,
  type EntryComparison,
  type ServerDetail,
  type ServerStatus,
} from './serve-model.js';

const fingerprints = new Map<string, string>();

function fingerprintOf(pem: string): string {
  let fp = fingerprints.get(pem);
  if (fp === undefined) {
    try {
      fp = `sha256 ${new X509Certificate(pem).fingerprint256.slice(0, 23)}…`;
    } catch {
      fp = 'not a certificate';
    }
    if (fingerprints.size > 10_000) fingerprints.clear();
    fingerprints.set(pem, fp);
  }
  return fp;
}

/** An entry as the dashboard shows it: password masked, certificates as fingerprints. */
export function maskEntry(entry: NeighborEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (SENSITIVE_FIELDS.has(k as never))
      out[k] = v === undefined || v === '' ? null : MASKED_SECRET;
    else if (k === 'ownCertificates' || k === 'neighborCertificates')
      out[k] = (v as string[] | undefined)?.map(fingerprintOf) ?? [];
    else if (k === 'neighborPublicKey') out[k] = v ? 'PEM public key' : null;
    else out[k] = v;
  }
  return out;
}

/** Desired and actual entries of one server, side by side with the fields that differ. */
export function compareEntries(
  desired: DesiredServerState | undefined,
  actual: ServerState | undefined,
): EntryComparison[] {
  const wanted = new Map((desired?.neighbors ?? []).map((e) => [e.name, e]));
  const held = new Map((actual?.neighbors ?? []).map((e) => [e.name, e]));
  const names = [...new Set([...wanted.keys(), ...held.keys()])].sort();
  return names.map((neighbor) => {
    const d = wanted.get(neighbor);
    const a = held.get(neighbor);
    const differs = d ? diffEntry(a, d).map((f) => f.field) : a ? ['(not in the topology)'] : [];
    return {
      neighbor,
      type: (d ?? a)!.type,
      desired: d ? maskEntry(d) : null,
      actual: a ? maskEntry(a) : null,
      differs: actual === undefined ? [] : differs,
      managed: d !== undefined || a?.managedBy === 'avnet',
    };
  });
}

/** The detail of one server from what the last cycle read. */
export function serverDetail(
  status: ServerStatus,
  desired: DesiredServerState | undefined,
  actual: ServerState | undefined,
): ServerDetail {
  return {
    ...status,
    actual: actual
      ? {
          protocol: actual.protocol,
          pendingRestart: actual.pendingRestart,
          revision: actual.revision,
        }
      : null,
    entries: compareEntries(desired, actual),
  };
}
