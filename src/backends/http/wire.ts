/**
 * The management API's wire format, shared by the http backend (client) and the emulator (server):
 * URLs, the response envelope, error numbers and the link-state vocabulary. The API follows the
 * conventions of the Dr.Web Server Web API (`/api/<object>/<script>.ds`, `format=json`, Basic
 * authentication sent pre-emptively, `{ head, data }` envelope) and extends it with neighbor
 * operations guarded by revisions. schemas/drweb-api.openapi.yaml documents it.
 */
import type { NeighborEntry, NeighborType, ProtocolState, ServerState } from '../../model/index.js';

/** Version of the neighbor extension of the API, sent in every response head. */
export const API_VERSION = '1.0';

/** Default port of a Dr.Web Server's web API. */
export const DEFAULT_API_PORT = 9081;

/** The scripts of the API, as `<object>/<script>`. */
export const API_SCRIPTS = {
  summary: 'server/summary',
  protocol: 'server/protocol',
  restart: 'server/restart',
  state: 'neighbors/state',
  status: 'neighbors/status',
  apply: 'neighbors/apply',
  add: 'neighbors/add',
  change: 'neighbors/change',
  remove: 'neighbors/delete',
} as const;

/** One script of the API. */
export type ApiScript = (typeof API_SCRIPTS)[keyof typeof API_SCRIPTS];

/** The path of a script: `/api/neighbors/state.ds`. */
export function scriptPath(script: ApiScript): string {
  return `/api/${script}.ds`;
}

/** Who answered, in every response head. */
export interface ServerIdentity {
  readonly name: string;
  /** Full product version, e.g. `13.0.0`. */
  readonly version: string;
  readonly uuid: string;
}

/** The head of every response. */
export interface ResponseHead {
  readonly status: 'ok' | 'error';
  readonly timestamp: string;
  readonly api: { readonly version: string };
  readonly server: ServerIdentity;
}

/** The error block of a failed response. */
export interface ResponseError {
  readonly errno: number;
  readonly message: string;
}

/** Every response body. */
export interface Envelope<T = unknown> {
  readonly head: ResponseHead;
  readonly data: T | null;
  readonly error?: ResponseError;
}

/** Error numbers of the API (in `error.errno`) and the HTTP status each comes with. */
export const ERRNO = {
  badRequest: { errno: 1, status: 400 },
  unauthorized: { errno: 2, status: 401 },
  unknownScript: { errno: 3, status: 404 },
  methodNotAllowed: { errno: 4, status: 405 },
  neighborNotFound: { errno: 5, status: 404 },
  neighborExists: { errno: 6, status: 409 },
  revisionConflict: { errno: 7, status: 412 },
  revisionRequired: { errno: 8, status: 428 },
  unavailable: { errno: 9, status: 503 },
  internal: { errno: 10, status: 500 },
  idempotencyMismatch: { errno: 11, status: 422 },
  payloadTooLarge: { errno: 12, status: 413 },
  unsupportedFormat: { errno: 13, status: 406 },
} as const;

/** `server/summary.ds` data. */
export interface ServerSummary {
  readonly name: string;
  readonly uuid: string;
  readonly version: string;
  readonly versionMajor: number;
  readonly protocol: ProtocolState;
  readonly pendingRestart: boolean;
  readonly revision: number;
  readonly neighbors: number;
  readonly uptime: number;
}

/** `neighbors/state.ds` data: the server's whole neighbor-related state. */
export type StateData = ServerState;

/** Body of `neighbors/apply.ds`: one atomic change (the backend's ServerChange on the wire). */
export interface ApplyBody {
  readonly revision: number;
  readonly protocol?: ProtocolState;
  readonly restart?: boolean;
  readonly upsert?: readonly NeighborEntry[];
  readonly remove?: readonly string[];
}

/** Data of a 412 revision conflict: the revision the server is at. */
export interface ConflictData {
  readonly revision: number;
}

/** Why a link is not online. Short, stable codes; `LINK_REASONS` explains each. */
export type LinkReason =
  | 'unreachable'
  | 'certificate-mismatch'
  | 'wrong-password'
  | 'one-sided'
  | 'type-mismatch'
  | 'encryption-mismatch'
  | 'compression-mismatch'
  | 'protocol-disabled'
  | 'restart-pending'
  | 'duplicate-key-id'
  | 'wrong-server'
  | 'no-dialer'
  | 'missing'
  | 'server-unreachable'
  | 'connection-lost'
  | 'connecting'
  | 'not-connected';

/** Every reason with its weight (the more specific cause wins when two sides disagree) and explanation. */
export const LINK_REASONS: Readonly<Record<LinkReason, { rank: number; explain: string }>> = {
  missing: {
    rank: 9,
    explain: 'neither server has an entry for the other: the link is not applied yet (avnet apply)',
  },
  'one-sided': {
    rank: 8,
    explain:
      'only one server has an entry for the other; a link must be configured on both servers',
  },
  'type-mismatch': {
    rank: 8,
    explain: 'the two entries do not mirror each other (parent ↔ child, peer ↔ peer)',
  },
  'certificate-mismatch': {
    rank: 8,
    explain:
      "a server presented a certificate that the other server's entry does not list among the neighbor's certificates",
  },
  'wrong-password': {
    rank: 8,
    explain: 'the two entries hold different passwords (proven without sending either)',
  },
  'encryption-mismatch': {
    rank: 8,
    explain: 'one side requires encryption (yes) and the other refuses it (no)',
  },
  'compression-mismatch': {
    rank: 8,
    explain: 'one side requires compression (yes) and the other refuses it (no)',
  },
  'duplicate-key-id': {
    rank: 8,
    explain:
      'another link of the same server already uses the same password and certificate ("Link with the same key id is already activated")',
  },
  'wrong-server': {
    rank: 8,
    explain: "the entry's address leads to a different server than the one the entry names",
  },
  'no-dialer': {
    rank: 8,
    explain:
      "neither entry holds the other side's address, so no server connects (set the address on the dialing side)",
  },
  'protocol-disabled': {
    rank: 7,
    explain: 'a server has the "Dr.Web Server protocol" module disabled',
  },
  'restart-pending': {
    rank: 7,
    explain: 'a server has the protocol module enabled but has not been restarted since',
  },
  'server-unreachable': {
    rank: 6,
    explain: "a server's management API cannot be reached, so its side of the link is unknown",
  },
  unreachable: {
    rank: 5,
    explain:
      'the dialing server cannot connect to the address in its entry: check the address and that the other server is running',
  },
  'connection-lost': {
    rank: 3,
    explain: 'the connection closed; the dialing side reconnects with backoff',
  },
  connecting: { rank: 2, explain: 'the dialing side is connecting' },
  'not-connected': {
    rank: 1,
    explain: 'waiting for the other side to connect',
  },
};

/** One server's view of one of its entries (`neighbors/status.ds`). */
export interface LinkView {
  /** The entry's neighbor. */
  readonly neighbor: string;
  readonly type: NeighborType;
  /** True when this server holds the neighbor's address and connects. */
  readonly dials: boolean;
  readonly state: 'online' | 'offline';
  readonly reason: LinkReason | null;
  /** One short line with the specifics (address, fingerprint, who refused); never a secret. */
  readonly detail: string | null;
  /** True when the reason was reported by the other server rather than found by this one. */
  readonly remote: boolean;
  /** When the state last changed (ISO 8601). */
  readonly since: string;
  /** For online links: whether the session is encrypted / compressed as negotiated. */
  readonly encrypted?: boolean;
  readonly compressed?: boolean;
}

/** `neighbors/status.ds` data. */
export interface StatusData {
  readonly protocol: ProtocolState;
  readonly pendingRestart: boolean;
  readonly links: readonly LinkView[];
}

/** The `error` string of a link: `code: detail`, or just the code. */
export function linkErrorText(reason: LinkReason, detail: string | null): string {
  return detail ? `${reason}: ${detail}` : reason;
}

/** The reason code at the start of a link error string, if it is one of ours. */
export function reasonOf(error: string | null): LinkReason | undefined {
  if (!error) return undefined;
  const code = error.split(':', 1)[0]!.trim();
  return code in LINK_REASONS ? (code as LinkReason) : undefined;
}
