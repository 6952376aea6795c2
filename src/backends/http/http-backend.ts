/**
 * The `http` backend: each server's management API (`api:` URL in the topology). Reads are
 * `neighbors/state.ds`; a change is one `neighbors/apply.ds` call carrying the revision it was
 * planned against (If-Match), so a change someone else made in between is refused (412) and
 * re-planned, never overwritten. Real servers have no lock: the backend lock is process-local
 * (two operations of one process never interleave) and revisions guard against everyone else.
 */
import { randomUUID } from 'node:crypto';
import { MAX_REFERENCED_FILE_BYTES } from '../../load/index.js';
import { readRegularFile } from '../../util/read-regular-file.js';
import {
  DEFAULT_CONCURRENCY,
  type Context,
  type LinkStatus,
  type ServerState,
} from '../../model/index.js';
import { mapLimit } from '../../util/concurrency.js';
import {
  BackendError,
  ConflictError,
  LockedError,
  newLockInfo,
  type Backend,
  type BackendLock,
  type BackendSettings,
  type LockInfo,
  type ServerChange,
  type ServerEndpoint,
} from '../backend.js';
import { parseServerState } from '../dir/state-file.js';
import {
  ApiStatusError,
  HttpAccessError,
  HttpClient,
  buildUrl,
  describeCall,
  type HttpClientOptions,
} from './http-client.js';
import { mergeLinkViews, type ServerLinkViews } from './link-views.js';
import {
  API_SCRIPTS,
  ERRNO,
  type ApiScript,
  type ApplyBody,
  type ConflictData,
  type Envelope,
  type ServerIdentity,
  type StateData,
  type StatusData,
} from './wire.js';

/** Environment variables holding the administrator credentials (shared with `avnet sim`). */
export const CREDENTIAL_ENV = { user: 'AVNET_USER', password: 'AVNET_PASSWORD' } as const;

/** Options of the http backend. */
export interface HttpBackendOptions {
  readonly endpoints: readonly ServerEndpoint[];
  readonly client: HttpClientOptions;
  /** How lock holders are named; defaults to user@host. */
  readonly owner?: string;
}

/** Locks held in this process, by the set of API URLs they cover. */
const heldLocks = new Map<string, LockInfo>();

/** The http backend. */
export class HttpBackend implements Backend {
  readonly type = 'http';
  readonly client: HttpClient;
  private readonly endpoints: Map<string, ServerEndpoint>;
  private readonly lockKey: string;
  /** The uuid each server first answered with, until forgetIdentities (one reconcile). */
  private readonly uuids = new Map<string, string>();

  constructor(private readonly opts: HttpBackendOptions) {
    this.client = new HttpClient(opts.client);
    this.endpoints = new Map(opts.endpoints.map((e) => [e.name, e]));
    this.lockKey = [...new Set(opts.endpoints.map((e) => e.api ?? `(none):${e.name}`))]
      .sort()
      .join('\n');
  }

  describeServer(name: string): string {
    return this.endpoints.get(name)?.api ?? `${name} (no api URL)`;
  }

  async listServers(_ctx: Context): Promise<string[]> {
    return [...this.endpoints.values()]
      .filter((e) => e.api)
      .map((e) => e.name)
      .sort();
  }

  /**
   * Forgets the uuids seen so far, so the next answers set them afresh. For callers that keep one
   * backend open across reconciles (watch, serve): call it when a new reconcile starts, so a
   * server replaced in between is read as the new server instead of failing until a restart.
   */
  forgetIdentities(): void {
    this.uuids.clear();
  }

  beginRun(): void {
    this.forgetIdentities();
  }

  /** `A (https://host:port/api/neighbors/state.ds)`, as messages name a call. */
  private where(name: string, script: ApiScript): string {
    return describeCall(name, buildUrl(this.apiOf(name), script));
  }

  private apiOf(name: string): string {
    const api = this.endpoints.get(name)?.api;
    if (!api) {
      throw new BackendError(
        `server ${name} has no \`api:\` URL in the topology; the http backend needs one for every server it manages`,
        name,
        false,
      );
    }
    return api;
  }

  /**
   * Checks that an answer comes from the server the topology names at that URL, and from the same
   * server as every earlier answer for it in this run: its name and its uuid, on every answer. A
   * uuid that changes means the URL now leads to another (or a reinstalled) server, whose
   * revisions have nothing to do with the ones read before.
   */
  private checkIdentity(name: string, script: ApiScript, envelope: Envelope): void {
    const url = buildUrl(this.apiOf(name), script);
    const where = describeCall(name, url);
    const server = (envelope.head as Partial<Envelope['head']>).server as
      Partial<ServerIdentity> | undefined;
    if (!server || typeof server !== 'object') {
      throw new BackendError(
        `${where} answered without head.server, so which server answered cannot be checked`,
        name,
        false,
      );
    }
    for (const field of ['name', 'uuid'] as const) {
      if (typeof server[field] !== 'string' || server[field] === '') {
        throw new BackendError(
          `${where} answered without head.server.${field}, so which server answered cannot be checked`,
          name,
          false,
        );
      }
    }
    if (server.name !== name) {
      throw new BackendError(
        `${where} answers as server "${server.name}", not "${name}": check the api URL of ${name} in the topology`,
        name,
        false,
      );
    }
    const seen = this.uuids.get(name);
    if (seen === undefined) this.uuids.set(name, server.uuid!);
    else if (seen !== server.uuid) {
      throw new BackendError(
        `${name}: the server at ${url.origin}${url.pathname} changed identity (uuid ${seen} then ${server.uuid}): it was replaced or reinstalled, or the URL now leads to another server; nothing more is written to it in this run`,
        name,
        false,
      );
    }
  }

  /** Maps a failed call: identity first (even a refusal must come from the right server). */
  private mapError(name: string, script: ApiScript, err: unknown): never {
    if (err instanceof ApiStatusError) {
      if (err.envelope?.head.server !== undefined) this.checkIdentity(name, script, err.envelope);
      if (err.status === 401 || err.status === 403) {
        throw new HttpAccessError(
          `${err.where} refused the administrator credentials (HTTP ${err.status}); check ${CREDENTIAL_ENV.user} and ${CREDENTIAL_ENV.password}`,
          name,
          false,
        );
      }
      throw new BackendError(err.message, name, false, { cause: err });
    }
    throw err;
  }

  async readServer(name: string, ctx: Context): Promise<ServerState | null> {
    const baseUrl = this.apiOf(name);
    let envelope: Envelope<StateData>;
    try {
      envelope = await this.client.call<StateData>(
        { server: name, baseUrl, script: API_SCRIPTS.state, method: 'GET' },
        ctx,
      );
    } catch (err) {
      this.mapError(name, API_SCRIPTS.state, err);
    }
    this.checkIdentity(name, API_SCRIPTS.state, envelope);
    const parsed = parseServerState(JSON.stringify(envelope.data));
    if (!parsed.ok) {
      throw new BackendError(
        `${this.where(name, API_SCRIPTS.state)}: the server's state is ${parsed.reason}`,
        name,
        false,
      );
    }
    if (parsed.state.name !== name) {
      throw new BackendError(
        `${this.where(name, API_SCRIPTS.state)} holds the state of "${parsed.state.name}", not "${name}"`,
        name,
        false,
      );
    }
    // A server that was never written is reported as it is (revision 0), like a fresh one.
    return parsed.state;
  }

  async applyChange(name: string, change: ServerChange, ctx: Context): Promise<ServerState> {
    const baseUrl = this.apiOf(name);
    const body: ApplyBody = {
      revision: change.expectedRevision,
      ...(change.protocol !== undefined ? { protocol: change.protocol } : {}),
      ...(change.restart ? { restart: true } : {}),
      ...(change.upsert ? { upsert: change.upsert } : {}),
      ...(change.remove ? { remove: change.remove } : {}),
    };
    let envelope: Envelope<StateData>;
    try {
      envelope = await this.client.call<StateData>(
        {
          server: name,
          baseUrl,
          script: API_SCRIPTS.apply,
          method: 'POST',
          body,
          ifMatch: change.expectedRevision,
          idempotencyKey: randomUUID(),
          write: true,
        },
        ctx,
      );
    } catch (err) {
      if (err instanceof ApiStatusError && err.errno === ERRNO.revisionConflict.errno) {
        if (err.envelope) this.checkIdentity(name, API_SCRIPTS.apply, err.envelope);
        const actual = (err.envelope?.data as ConflictData | null)?.revision ?? -1;
        throw new ConflictError(name, change.expectedRevision, actual);
      }
      this.mapError(name, API_SCRIPTS.apply, err);
    }
    this.checkIdentity(name, API_SCRIPTS.apply, envelope);
    const where = this.where(name, API_SCRIPTS.apply);
    const parsed = parseServerState(JSON.stringify(envelope.data));
    if (!parsed.ok) {
      throw new BackendError(
        `${where}: the server answered a state that is ${parsed.reason}`,
        name,
        false,
      );
    }
    if (parsed.state.name !== name) {
      throw new BackendError(
        `${where} answered with the state of "${parsed.state.name}", not "${name}"`,
        name,
        false,
      );
    }
    // Every write moves the revision: an answer that did not means the change was not made (or
    // not recorded), and reporting it "applied" would hide that.
    if (parsed.state.revision <= change.expectedRevision) {
      throw new BackendError(
        `${where} answered the write with revision ${parsed.state.revision}, not above the expected ${change.expectedRevision}: the change may not have been applied, so it counts as failed`,
        name,
        false,
      );
    }
    ctx.logger.debug({ server: name, revision: parsed.state.revision }, 'applied change');
    return parsed.state;
  }

  async acquireLock(operation: string, ctx: Context): Promise<BackendLock> {
    const holder = heldLocks.get(this.lockKey);
    if (holder) {
      throw new LockedError(
        holder,
        'Another operation of this avnet process is writing to these servers; wait for it to finish.',
      );
    }
    const info = newLockInfo(operation, ctx, this.opts.owner);
    heldLocks.set(this.lockKey, info);
    let released = false;
    return {
      info,
      replaced: null,
      release: async () => {
        if (released) return;
        released = true;
        if (heldLocks.get(this.lockKey)?.id === info.id) heldLocks.delete(this.lockKey);
      },
    };
  }

  /** Every server's own view of its links, or why it could not be read. */
  async linkViews(ctx: Context, servers?: readonly string[]): Promise<ServerLinkViews[]> {
    const names = servers ?? (await this.listServers(ctx));
    return mapLimit(names, this.opts.client.concurrency ?? DEFAULT_CONCURRENCY, async (name) => {
      try {
        const envelope = await this.client.call<StatusData>(
          { server: name, baseUrl: this.apiOf(name), script: API_SCRIPTS.status, method: 'GET' },
          ctx,
        );
        this.checkIdentity(name, API_SCRIPTS.status, envelope);
        return { server: name, views: envelope.data?.links ?? [] };
      } catch (err) {
        try {
          this.mapError(name, API_SCRIPTS.status, err);
        } catch (mapped) {
          // Wrong credentials or an untrusted certificate are avnet's problem, not a link's.
          if (mapped instanceof HttpAccessError) throw mapped;
          return { server: name, error: (mapped as Error).message };
        }
      }
    });
  }

  async linkStatus(ctx: Context): Promise<LinkStatus[]> {
    return mergeLinkViews(await this.linkViews(ctx));
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** Creates the http backend from CLI settings: credentials from the environment, CA from --ca. */
export async function createHttpBackend(settings: BackendSettings): Promise<HttpBackend> {
  const user = settings.env[CREDENTIAL_ENV.user];
  const password = settings.env[CREDENTIAL_ENV.password];
  if (!user || !password) {
    throw new BackendError(
      `the http backend needs administrator credentials: set ${CREDENTIAL_ENV.user} and ${CREDENTIAL_ENV.password}`,
      undefined,
      false,
    );
  }
  let ca: string | undefined;
  if (settings.caFile !== undefined) {
    // Never a plain read: a FIFO named as --ca would hang the command.
    const read = await readRegularFile(settings.caFile, { limit: MAX_REFERENCED_FILE_BYTES });
    if (!read.ok)
      throw new BackendError(
        `cannot read the CA file ${settings.caFile}: ${read.reason}`,
        undefined,
        false,
      );
    ca = read.bytes.toString('utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new BackendError(
        `the CA file ${settings.caFile} holds no PEM certificate`,
        undefined,
        false,
      );
    }
  }
  for (const e of settings.endpoints) {
    if (!e.api) continue;
    let url: URL;
    try {
      url = new URL(e.api);
    } catch {
      throw new BackendError(`the api URL of ${e.name} is not a URL`, e.name, false);
    }
    if (url.protocol !== 'https:') {
      throw new BackendError(
        `the api URL of ${e.name} must use https:// (credentials are sent with every request)`,
        e.name,
        false,
      );
    }
    if (url.username || url.password) {
      throw new BackendError(
        `the api URL of ${e.name} must not hold credentials; use ${CREDENTIAL_ENV.user} and ${CREDENTIAL_ENV.password}`,
        e.name,
        false,
      );
    }
  }
  return new HttpBackend({
    endpoints: settings.endpoints,
    client: {
      user,
      password,
      ca,
      insecure: settings.insecure,
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
    },
  });
}
