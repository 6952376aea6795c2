/**
 * `avnet serve FILE`: a local topology as a source. Its revision is a digest of the topology and
 * every file it references, so an edit of a certificate is a new revision too; changes are seen
 * through the same folder watcher as `avnet watch` (editor saves by rename included).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Context } from '../model/index.js';
import {
  chokidarFolderWatcher,
  digestFiles,
  type FolderWatcher,
  type FolderWatcherFactory,
} from '../watch/index.js';
import type { SourceStatus } from './serve-model.js';
import type { SourceRead, TopologySource } from './source.js';

/** Options of a file source. */
export interface FileSourceOptions {
  readonly file: string;
  /** How files are watched (chokidar on their folders by default). */
  readonly folderWatcher?: FolderWatcherFactory;
  /** Called (debounced by the caller) when a watched file changes. */
  readonly onChange: () => void;
  readonly onError?: (err: Error) => void;
}

/** Revision of a set of files: a digest over each file's path and content digest. */
export function revisionOfDigests(digests: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  for (const [file, digest] of [...digests].sort(([a], [b]) => (a < b ? -1 : 1)))
    h.update(`${file}\0${digest}\n`);
  return h.digest('hex');
}

/** A local topology file, watched with the files it references. */
export class FileSource implements TopologySource {
  readonly type = 'file';
  private readonly file: string;
  private readonly watcher: FolderWatcher;
  private files: string[];
  private head: string | null = null;
  private readAt: string | null = null;

  constructor(private readonly opts: FileSourceOptions) {
    this.file = path.resolve(opts.file);
    this.files = [this.file];
    this.watcher = (opts.folderWatcher ?? chokidarFolderWatcher)(
      () => opts.onChange(),
      (err) => opts.onError?.(err),
    );
  }

  /** Starts watching the topology file. */
  async start(): Promise<void> {
    await this.watcher.watch(this.files);
  }

  async read(ctx: Context): Promise<SourceRead> {
    const revision = revisionOfDigests(await digestFiles(this.files));
    const changed = revision !== this.head;
    this.head = revision;
    this.readAt = ctx.clock.now().toISOString();
    return {
      outcome: changed ? 'new' : 'unchanged',
      snapshot: { revision, file: this.file, root: path.dirname(this.file), commit: null },
    };
  }

  async snapshotOf(revision: string): Promise<{ revision: string; file: string } | null> {
    // A local file has only its present content: an older revision cannot be read back.
    return revision === this.head ? { revision, file: this.file } : null;
  }

  async follow(files: readonly string[]): Promise<void> {
    const next = [...new Set([this.file, ...files])].sort();
    if (next.length === this.files.length && next.every((f, i) => f === this.files[i])) return;
    this.files = next;
    // The revision covers every watched file, so the next read sees a new one.
    await this.watcher.watch(next);
  }

  status(): SourceStatus {
    return {
      type: 'file',
      url: this.file,
      ref: null,
      path: path.basename(this.file),
      head: this.head,
      commit: null,
      fetchedAt: this.readAt,
      error: null,
    };
  }

  async close(): Promise<void> {
    await this.watcher.close();
  }
}
