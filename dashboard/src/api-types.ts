/**
 * The shapes the dashboard reads from `avnet serve`: the serve model itself (type-only, so the
 * page and the server can never disagree silently) and the plan's JSON form.
 */
export type {
  CycleOutcome,
  CycleTrigger,
  EntryComparison,
  HealthStatus,
  HistoryEntry,
  LinkStatusEntry,
  ServeStatus,
  ServerDetail,
  ServerStatus,
  SyncStatus,
} from '../../src/serve/serve-model.js';

/** One changed field of a planned entry write; secrets carry only `sensitive` and `changed`. */
export interface PlanFieldJson {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive?: boolean;
  readonly changed?: boolean;
}

/** One change of `avnet plan --format json`. */
export interface PlanChangeJson {
  readonly server: string;
  readonly action: 'create' | 'update' | 'delete' | 'enable-protocol' | 'restart';
  readonly neighbor?: string;
  readonly type?: string;
  readonly fields?: readonly PlanFieldJson[];
  readonly reason: string;
}

/** `GET /api/v1/plan`: the pending plan as `avnet plan --format json` prints it. */
export interface PlanJson {
  readonly format_version: string;
  readonly changes: readonly PlanChangeJson[];
  readonly unmanaged?: readonly { readonly server: string; readonly neighbor: string }[];
  readonly summary: {
    readonly add: number;
    readonly change: number;
    readonly destroy: number;
    readonly restart: number;
  };
  readonly errors?: readonly { readonly server: string; readonly message: string }[];
  readonly targets?: readonly string[];
}

/** One diagnostic of an invalid head commit, as `avnet validate --format json` prints it. */
export interface DiagnosticJson {
  readonly rule?: unknown;
  readonly severity?: unknown;
  readonly message?: unknown;
  readonly file?: unknown;
  readonly line?: unknown;
  readonly column?: unknown;
  readonly related?: unknown;
}

/** A value being loaded from serve. */
export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'error'; readonly message: string };
