import { describe, expect, it } from 'vitest';
import { backoffDelay, buildUrl, callDeadline, MAX_CALL_DEADLINE_MS } from './http-client.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the ceiling, with full jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, 100, 1000, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0);
    expect(backoffDelay(2, 100, 1000, () => 0.5)).toBe(200);
  });
});

describe('buildUrl', () => {
  it('puts scripts under /api with format=json, keeping a path prefix', () => {
    expect(buildUrl('https://127.0.0.1:9081', 'server/summary').href).toBe(
      'https://127.0.0.1:9081/api/server/summary.ds?format=json',
    );
    expect(buildUrl('https://h.example:9081/drweb/', 'neighbors/state').href).toBe(
      'https://h.example:9081/drweb/api/neighbors/state.ds?format=json',
    );
  });
});

describe('callDeadline', () => {
  it('gives every attempt its timeout and every backoff its ceiling, capped at 5 minutes', () => {
    expect(callDeadline(10_000, 5, 2_000)).toBe(70_000);
    expect(callDeadline(300, 5, 20)).toBe(1_900);
    expect(callDeadline(120_000, 5, 2_000)).toBe(MAX_CALL_DEADLINE_MS);
    // A single attempt always gets its whole timeout, even beyond the cap.
    expect(callDeadline(400_000, 0, 2_000)).toBe(400_000);
  });
});
