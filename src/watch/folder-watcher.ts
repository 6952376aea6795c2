/**
 * Watching files through their folders (chokidar), so that editors that save by writing a
 * temporary file and renaming it over the original are seen as a change of the original.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FSWatcher } from 'chokidar';
import { foldersOf } from './watched-files.js';

/** What happened to a watched file. */
export type FileEvent = 'add' | 'change' | 'unlink';

/** Follows a set of files; `watch` replaces the set. */
export interface FolderWatcher {
  /**
   * Watches exactly these files (absolute paths) from now on. Resolves once the folders are being
   * watched, so a change made after it resolves is seen. Returns the folders that do not exist
   * (not watched; the caller may retry later).
   */
  watch(files: readonly string[]): Promise<string[]>;
  /** Stops watching; no event is delivered after it resolves. */
  close(): Promise<void>;
}

/** Creates a folder watcher that calls `onEvent` for changes of the files it watches. */
export type FolderWatcherFactory = (
  onEvent: (file: string, event: FileEvent) => void,
  onError: (err: Error) => void,
) => FolderWatcher;

interface WatchedFolder {
  readonly watcher: FSWatcher;
  readonly files: ReadonlySet<string>;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

async function isFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The chokidar-backed folder watcher: one chokidar instance per folder (`depth: 0`,
 * `atomic: true`, `ignoreInitial: true`), recreated when the files wanted in it change. Files of
 * the folder that are not wanted are ignored, so a folder of thousands of keys costs watches only
 * for the files the topology names.
 */
export const chokidarFolderWatcher: FolderWatcherFactory = (onEvent, onError) => {
  const folders = new Map<string, WatchedFolder>();
  let closed = false;

  const open = async (dir: string, files: ReadonlySet<string>): Promise<FSWatcher> => {
    const watcher = new FSWatcher({
      depth: 0,
      atomic: true,
      ignoreInitial: true,
      persistent: true,
      ignored: (p: string) => {
        const abs = path.resolve(p);
        return abs !== dir && !files.has(abs);
      },
    });
    watcher.on('all', (event, p) => {
      if (closed || !(event === 'add' || event === 'change' || event === 'unlink')) return;
      const abs = path.resolve(p);
      if (files.has(abs)) onEvent(abs, event);
    });
    watcher.on('error', (err) => onError(err instanceof Error ? err : new Error(String(err))));
    const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    watcher.add(dir);
    await ready;
    return watcher;
  };

  return {
    async watch(files) {
      if (closed) return [];
      const wanted = foldersOf(files.map((f) => path.resolve(f)));
      const missing: string[] = [];
      for (const [dir, current] of [...folders]) {
        const next = wanted.get(dir);
        if (!next || !sameSet(next, current.files)) {
          folders.delete(dir);
          await current.watcher.close();
        }
      }
      for (const [dir, want] of wanted) {
        if (folders.has(dir)) continue;
        if (!(await isFolder(dir))) {
          missing.push(dir);
          continue;
        }
        const watcher = await open(dir, want);
        if (closed) {
          await watcher.close();
          return missing;
        }
        folders.set(dir, { watcher, files: want });
      }
      return missing;
    },
    async close() {
      closed = true;
      const all = [...folders.values()];
      folders.clear();
      await Promise.all(all.map((f) => f.watcher.close()));
    },
  };
};
