/**
 * Reading a file that must be a regular file, without ever blocking or reading without bound.
 *
 * A FIFO named as a certificate would block a plain `open()` forever (no writer ever comes), and a
 * character device such as /dev/zero never reaches end of file. So the file is opened with
 * `O_NONBLOCK` (opening a FIFO returns at once), the *opened* handle is fstat-ed (no check-then-open
 * race: what is read is what was checked), anything that is not a regular file is refused, and at
 * most `limit + 1` bytes are read, so a file that grows while being read, or whose size lies (files
 * in /proc report 0), is caught as too large instead of filling memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Why a file could not be read. */
export type ReadFailureKind = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

/** A regular file's bytes, or why there are none. */
export type RegularFileRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | {
      readonly ok: false;
      readonly kind: ReadFailureKind;
      /** What is wrong, to follow the path: "is a FIFO, not a regular file". */
      readonly reason: string;
      /** The path as given followed by the reason. */
      readonly message: string;
      /** The error code when the system refused (ENOENT, EACCES, ...). */
      readonly code?: string;
    };

/** Options of a read. */
export interface ReadRegularFileOptions {
  /** Largest size accepted, in bytes; a larger file is `too-large` and is never read whole. */
  readonly limit: number;
}

// O_NONBLOCK and O_NOCTTY do not exist on Windows, where FIFOs and terminals are not files anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** First buffer size when the size is unknown (0 from fstat): most such files are small. */
const FIRST_CHUNK = 16 * 1024;

/** What a file that is not a regular file is, for messages ("a FIFO", "a directory", ...). */
export function describeFileType(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function failure(
  file: string,
  kind: ReadFailureKind,
  reason: string,
  code?: string,
): RegularFileRead {
  return { ok: false, kind, reason, message: `${file} ${reason}`, ...(code ? { code } : {}) };
}

function notRegular(file: string, st: Stats): RegularFileRead {
  return failure(file, 'not-regular', `is ${describeFileType(st)}, not a regular file`);
}

function tooLarge(file: string, limit: number, size?: number): RegularFileRead {
  return failure(
    file,
    'too-large',
    size !== undefined
      ? `is too large (${size} bytes, larger than the limit of ${limit} bytes)`
      : `is too large (larger than the limit of ${limit} bytes)`,
  );
}

/** Maps an open/read error to a failure; `st` is the path's stat when open said ENXIO. */
function fromError(file: string, err: unknown, st?: Stats): RegularFileRead {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return failure(file, 'missing', 'does not exist', code);
  // Opening a Unix socket fails with ENXIO: say what it is rather than a raw code.
  if (st && !st.isFile()) return notRegular(file, st);
  if (code === 'EACCES' || code === 'EPERM')
    return failure(file, 'unreadable', 'is not readable (permission denied)', code);
  if (code === 'EISDIR') return failure(file, 'not-regular', 'is a directory, not a regular file');
  return failure(file, 'unreadable', `cannot be read (${code ?? 'unknown error'})`, code);
}

/** Where reading stands: the buffer (grown as needed) and the bytes in it. */
interface Progress {
  buf: Buffer;
  total: number;
}

/** The next free space to read into, or null when `limit + 1` bytes are already in. */
function room(p: Progress, limit: number): { offset: number; length: number } | null {
  const cap = limit + 1;
  if (p.total >= cap) return null;
  if (p.total === p.buf.length) {
    const grown = Buffer.allocUnsafe(Math.min(cap, Math.max(p.buf.length * 2, FIRST_CHUNK)));
    p.buf.copy(grown, 0, 0, p.total);
    p.buf = grown;
  }
  return { offset: p.total, length: p.buf.length - p.total };
}

function start(size: number, limit: number): Progress {
  // One byte more than the size claims, so the read that hits end of file fits in the same buffer.
  return {
    buf: Buffer.allocUnsafe(Math.min(limit + 1, size > 0 ? size + 1 : FIRST_CHUNK)),
    total: 0,
  };
}

function finish(file: string, p: Progress, limit: number): RegularFileRead {
  if (p.total > limit) return tooLarge(file, limit);
  return { ok: true, bytes: p.buf.subarray(0, p.total) };
}

/** Reads a regular file of at most `limit` bytes without blocking on FIFOs or devices; never throws. */
export function readRegularFileSync(file: string, opts: ReadRegularFileOptions): RegularFileRead {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    return fromError(
      file,
      err,
      (err as NodeJS.ErrnoException).code === 'ENXIO' ? statQuiet(file) : undefined,
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return notRegular(file, st);
    if (st.size > opts.limit) return tooLarge(file, opts.limit, st.size);
    const p = start(st.size, opts.limit);
    for (let r = room(p, opts.limit); r; r = room(p, opts.limit)) {
      const n = readSync(fd, p.buf, r.offset, r.length, null);
      if (n === 0) break;
      p.total += n;
    }
    return finish(file, p, opts.limit);
  } catch (err) {
    return fromError(file, err);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // closing a read-only descriptor cannot lose data
    }
  }
}

/** Reads a regular file of at most `limit` bytes without blocking on FIFOs or devices; never rejects. */
export async function readRegularFile(
  file: string,
  opts: ReadRegularFileOptions,
): Promise<RegularFileRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (err) {
    const st =
      (err as NodeJS.ErrnoException).code === 'ENXIO'
        ? await stat(file).catch(() => undefined)
        : undefined;
    return fromError(file, err, st);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return notRegular(file, st);
    if (st.size > opts.limit) return tooLarge(file, opts.limit, st.size);
    const p = start(st.size, opts.limit);
    for (let r = room(p, opts.limit); r; r = room(p, opts.limit)) {
      const { bytesRead } = await handle.read(p.buf, r.offset, r.length, null);
      if (bytesRead === 0) break;
      p.total += bytesRead;
    }
    return finish(file, p, opts.limit);
  } catch (err) {
    return fromError(file, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function statQuiet(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
