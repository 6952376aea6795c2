/**
 * The management API's wire format, shared by the http backend (client) and the emulator (server):
 * URLs, the response envelope, error numbers and the link-state vocabulary. The API follows the
 * conventions of the Dr.Web Server Web API (`/api/<object>/<script>.ds`, `format=json`, Basic
 * authentication sent pre-emptively, `{ head, data }` envelope) and extends it with neighbor
 * operations guarded by revisions. schemas/drweb-api.openapi.yaml documents it.
 */
import type {
  LinkReason,
  NeighborEntry,
  NeighborType,
  ProtocolState,
  ServerState,
} from '../../model/index.js';

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

export { LINK_REASONS, type LinkReason } from '../../model/index.js';

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
