import { describe, expect, it } from 'vitest';
import { FETCH_BACKOFF_DEFAULT_CAP_MS, fetchBackoff } from './git-backoff.js';

const noJitter = (): number => 0;
const fullJitter = (): number => 1;

describe('fetchBackoff', () => {
  it('doubles from 5 s: 5, 10, 20, 40 s', () => {
    expect([1, 2, 3, 4].map((a) => fetchBackoff(a, 600_000, noJitter))).toEqual([
      5_000, 10_000, 20_000, 40_000,
    ]);
  });

  it('is capped at the git interval', () => {
    expect(fetchBackoff(5, 60_000, noJitter)).toBe(60_000);
    expect(fetchBackoff(50, 60_000, noJitter)).toBe(60_000);
    expect(fetchBackoff(10_000, 60_000, noJitter)).toBe(60_000);
    expect(fetchBackoff(1, 2_000, noJitter)).toBe(2_000);
  });

  it('uses a 5 min cap when fetching on an interval is off', () => {
    expect(fetchBackoff(30, 0, noJitter)).toBe(FETCH_BACKOFF_DEFAULT_CAP_MS);
  });

  it('jitters down by at most 20 %, never above the cap', () => {
    expect(fetchBackoff(1, 60_000, fullJitter)).toBe(4_000);
    expect(fetchBackoff(9, 60_000, fullJitter)).toBe(48_000);
    for (let i = 0; i < 200; i++) {
      const d = fetchBackoff(3, 60_000);
      expect(d).toBeGreaterThanOrEqual(16_000);
      expect(d).toBeLessThanOrEqual(20_000);
    }
  });

  it('treats nonsense attempts as the first and never goes below 1 s', () => {
    expect(fetchBackoff(0, 60_000, noJitter)).toBe(5_000);
    expect(fetchBackoff(-3, 60_000, noJitter)).toBe(5_000);
    expect(fetchBackoff(Number.NaN, 60_000, noJitter)).toBe(5_000);
    expect(fetchBackoff(1, 10, fullJitter)).toBe(1_000);
  });
});
