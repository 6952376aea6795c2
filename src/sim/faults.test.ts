import { describe, expect, it } from 'vitest';
import { FaultController, parseLatency } from './faults.js';

describe('parseLatency', () => {
  it('reads milliseconds and seconds', () => {
    expect(parseLatency('20ms')).toBe(20);
    expect(parseLatency('2s')).toBe(2000);
    expect(parseLatency('150')).toBe(150);
    expect(parseLatency('fast')).toBeNull();
    expect(parseLatency('-5ms')).toBeNull();
  });
});

describe('FaultController', () => {
  it('injects nothing by default', () => {
    const f = new FaultController();
    for (let i = 0; i < 100; i++) expect(f.nextRequest()).toBe('none');
    expect(f.dropHandshake()).toBe(false);
  });

  it('splits requests by the configured rates', () => {
    const seq = [0.05, 0.25, 0.1, 0.25, 0.9, 0.9];
    const f = new FaultController({ errorRate: 0.2, dropRate: 0.1 }, () => seq.shift() ?? 0.99);
    expect(f.nextRequest()).toBe('error'); // 0.05 < 0.2
    expect(f.nextRequest()).toBe('drop-before'); // 0.25 < 0.3, then 0.1 < 0.5
    expect(f.nextRequest()).toBe('drop-after'); // 0.25, then 0.9
    expect(f.nextRequest()).toBe('none');
    expect(f.injected).toEqual({ error: 1, dropBefore: 1, dropAfter: 1, handshakeDrop: 0 });
  });

  it('rejects rates outside 0..1 and a negative latency', () => {
    expect(() => new FaultController({ errorRate: 1.5 })).toThrow(/between 0 and 1/);
    expect(() => new FaultController({ errorRate: 0.6, dropRate: 0.6 })).toThrow(
      /must not exceed 1/,
    );
    const f = new FaultController();
    expect(() => f.set({ latencyMs: -1 })).toThrow(/latency/);
    f.set({ latencyMs: 25 });
    expect(f.get()).toEqual({ latencyMs: 25, errorRate: 0, dropRate: 0 });
  });
});
