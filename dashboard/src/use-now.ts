/** A clock for "5 min ago" texts, ticking only as often as the caller needs. */
import { useEffect, useState } from 'preact/hooks';

/** The current time, updated every `everyMs` (not at all when `everyMs` is null). */
export function useNow(everyMs: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (everyMs === null) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
