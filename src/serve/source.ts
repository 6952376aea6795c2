/**
 * Where serve's topology comes from: a git repository followed on a ref, or a local file. Both
 * hand the engine a topology *file* of one revision; a git revision's files come from the commit
 * itself (a snapshot folder), never from a working tree someone may be editing.
 */
import type { Context } from '../model/index.js';
import type { SourceStatus } from './serve-model.js';

/** One revision of the topology, readable from disk. */
export interface TopologySnapshot {
  /** A commit id (git) or a content digest (file). */
  readonly revision: string;
  /** Absolute path of the topology file of this revision. */
  readonly file: string;
  /** The folder paths are shown relative to: the repository root of a commit, the file's folder. */
  readonly root: string;
  /** The commit's subject, author and date (git only). */
  readonly commit: {
    readonly message: string;
    readonly author: string;
    readonly date: string;
  } | null;
}

/** What reading the source brought. */
export type SourceRead =
  | { readonly outcome: 'unchanged'; readonly snapshot: TopologySnapshot }
  | { readonly outcome: 'new'; readonly snapshot: TopologySnapshot }
  | { readonly outcome: 'failed'; readonly error: string };

/** A topology source. */
export interface TopologySource {
  readonly type: 'git' | 'file';
  /** Fetches (git) or re-reads (file) the newest revision. */
  read(ctx: Context): Promise<SourceRead>;
  /** A known revision's topology again (the last good one after an invalid head), or null if gone. */
  snapshotOf(revision: string, ctx: Context): Promise<{ revision: string; file: string } | null>;
  /** Tells the source which revision is the last good one (git keeps its snapshot). */
  markGood?(revision: string, ctx: Context): Promise<void>;
  /** The files the current revision references, to be watched (file source; git ignores it). */
  follow?(files: readonly string[]): Promise<void>;
  status(): SourceStatus;
  close(): Promise<void>;
}
