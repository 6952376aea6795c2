/**
 * What the dashboard's browser tests run against: a base URL, an optional token, the network
 * the page should show, and the means to change it. Today that is the fake serve; to test the
 * real `avnet serve`, implement `DashboardTarget` over it (an emulated network whose link
 * faults the sim can inject, a git repository to commit to) and return it from `startTarget`.
 */
import type {
  HistoryEntry,
  InvalidRevision,
  LinkStatusEntry,
} from '../../src/serve/serve-model.js';
import { FakeServe } from './fake-serve.js';
import { makeFixture, type DashboardFixture } from './fixtures.js';

/** A running serve (or stand-in) with a known network. */
export interface DashboardTarget {
  /** Where the dashboard is (`http://127.0.0.1:PORT/`). */
  readonly baseUrl: string;
  /** The `--auth-token`, when the target has one. */
  readonly token: string | undefined;
  /** The network the page must show, and the values it must never show. */
  readonly fixture: DashboardFixture;
  setLinkState(
    a: string,
    b: string,
    state: LinkStatusEntry['state'],
    reason?: LinkStatusEntry['reason'],
    detail?: string | null,
  ): Promise<void>;
  newCommit(head: string, message: string): Promise<void>;
  setInvalid(invalid: InvalidRevision | null): Promise<void>;
  pushCycle(partial?: Partial<HistoryEntry>): Promise<HistoryEntry>;
  /** Drops the event stream and keeps it down until `allowEvents`. */
  dropEvents(): Promise<void>;
  allowEvents(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a target with a network of `servers` servers. */
export async function startTarget(options: {
  servers: number;
  token?: string;
}): Promise<DashboardTarget> {
  const fixture = makeFixture(options.servers);
  const fake = await FakeServe.start({
    fixture,
    ...(options.token ? { token: options.token } : {}),
  });
  return {
    baseUrl: fake.url,
    token: options.token,
    fixture,
    setLinkState: async (a, b, state, reason, detail) =>
      fake.setLinkState(a, b, state, reason ?? null, detail ?? null),
    newCommit: async (head, message) => fake.newCommit(head, message),
    setInvalid: async (invalid) => fake.setInvalid(invalid),
    pushCycle: async (partial) => fake.pushCycle(partial),
    dropEvents: async () => fake.dropEvents(),
    allowEvents: async () => fake.allowEvents(),
    close: () => fake.close(),
  };
}
