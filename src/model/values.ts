/** Parsers for the small value formats of the topology: durations, addresses, schedules. */
import { DEFAULT_SERVER_PORT } from './topology.js';

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

/** The regular expression a duration string must match (also used by the JSON Schema). */
export const DURATION_PATTERN = '^[0-9]+[smhdw]$';

/** Parses a duration like `30d` into seconds, or returns null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = /^([0-9]+)([smhdw])$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
}

/** A parsed `host[:port]` address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host`, `host:port`, `[v6]` or `[v6]:port` (default port 2193); null when invalid.
 * Host names follow RFC 1123 labels; IPv4 dotted quads are checked octet by octet.
 */
export function parseAddress(text: string): HostPort | null {
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::([0-9]+))?$/.exec(text);
  if (v6) {
    host = (v6[1] as string).toLowerCase();
    portText = v6[2];
    if (!isIPv6(host)) return null;
    host = canonicalIPv6(host);
  } else {
    const m = /^([A-Za-z0-9.-]+)(?::([0-9]+))?$/.exec(text);
    if (!m) return null;
    host = (m[1] as string).toLowerCase();
    portText = m[2];
    if (!isHostName(host)) return null;
  }
  const port = portText === undefined ? DEFAULT_SERVER_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (portText?.length ?? 0) > 5) {
    return null;
  }
  return { host, port };
}

/** Formats a parsed address canonically, so equal endpoints compare equal. */
export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  if (/^[0-9.]+$/.test(host)) {
    const parts = host.split('.');
    return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
  }
  return host
    .replace(/\.$/, '')
    .split('.')
    .every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

/** RFC 5952 form of a valid IPv6 address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
function canonicalIPv6(host: string): string {
  const [head = '', tail] = host.split('::') as [string, string | undefined];
  const toGroups = (part: string): string[] => {
    if (part === '') return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const groups = [
    ...left,
    ...Array<string>(8 - left.length - right.length).fill('0'),
    ...right,
  ].map((g) => parseInt(g, 16).toString(16));
  // Compress the longest run (of two or more) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function isIPv6(host: string): boolean {
  if (!/^[0-9a-f:.]+$/.test(host) || !host.includes(':')) return false;
  const doubles = host.split('::').length - 1;
  if (doubles > 1) return false;
  const groups = host.split(':').filter((g) => g !== '');
  const last = groups[groups.length - 1] ?? '';
  const hasV4 = last.includes('.');
  const max = hasV4 ? 7 : 8;
  if (groups.length > max || (doubles === 0 && groups.length !== max)) return false;
  return groups.every((g, i) =>
    hasV4 && i === groups.length - 1
      ? isHostName(g) && /^[0-9.]+$/.test(g)
      : /^[0-9a-f]{1,4}$/.test(g),
  );
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A parsed restriction window: which weekdays (0 = Monday) and minutes of day. */
export interface ScheduleWindow {
  readonly days: readonly number[];
  readonly startMinute: number;
  readonly endMinute: number;
}

/** Parses `DAYS HH:MM-HH:MM` on the 30-minute grid; returns a reason string when invalid. */
export function parseScheduleWindow(text: string): ScheduleWindow | { error: string } {
  const m = /^\s*(\S+)\s+([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})\s*$/.exec(text);
  if (!m) return { error: 'expected "DAYS HH:MM-HH:MM", e.g. "mon-fri 09:00-18:00"' };
  const days = parseDays(m[1] as string);
  if (!days) {
    return {
      error: `"${m[1]}" is not a day list: use mon..sun, a range mon-fri, mon,wed or daily`,
    };
  }
  const sh = Number(m[2]);
  const sm = Number(m[3]);
  const eh = Number(m[4]);
  const em = Number(m[5]);
  if (sh > 23 || sm > 59 || eh > 24 || em > 59 || (eh === 24 && em !== 0)) {
    return { error: 'times must be between 00:00 and 24:00' };
  }
  if (sm % 30 !== 0 || em % 30 !== 0) {
    return { error: 'times must be on 30-minute boundaries (:00 or :30)' };
  }
  const startMinute = sh * 60 + sm;
  const endMinute = eh * 60 + em;
  if (endMinute <= startMinute) return { error: 'the window must end after it starts' };
  return { days, startMinute, endMinute };
}

function parseDays(text: string): number[] | null {
  if (text === 'daily') return [0, 1, 2, 3, 4, 5, 6];
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const range = part.split('-');
    if (range.length === 1) {
      const d = DAYS.indexOf(range[0] as (typeof DAYS)[number]);
      if (d < 0) return null;
      out.add(d);
    } else if (range.length === 2) {
      const a = DAYS.indexOf(range[0] as (typeof DAYS)[number]);
      const b = DAYS.indexOf(range[1] as (typeof DAYS)[number]);
      if (a < 0 || b < 0) return null;
      // A range may wrap around the week end (sat-mon).
      for (let d = a; ; d = (d + 1) % 7) {
        out.add(d);
        if (d === b) break;
      }
    } else {
      return null;
    }
  }
  return [...out].sort((x, y) => x - y);
}
