/** Fault injection for the emulator: latency, failed requests, dropped connections, servers down. */

/** Fault settings; all default to none. */
export interface FaultSettings {
  /** Added to every management request before it is handled, in milliseconds. */
  readonly latencyMs: number;
  /** Fraction (0..1) of management requests answered `503` with an error envelope, nothing done. */
  readonly errorRate: number;
  /**
   * Fraction (0..1) of management requests whose connection is dropped without an answer, half of
   * them before the request is handled and half after (a write done whose answer is lost); the
   * same fraction of server-protocol handshakes is cut.
   */
  readonly dropRate: number;
}

/** No faults. */
export const NO_FAULTS: FaultSettings = { latencyMs: 0, errorRate: 0, dropRate: 0 };

/** What happens to one management request. */
export type RequestFault = 'none' | 'error' | 'drop-before' | 'drop-after';

/** Mutable fault settings shared by every emulated server of a simulation. */
export class FaultController {
  private settings: FaultSettings;
  /** Faults injected so far, by kind (tests check that some really happened). */
  readonly injected = { error: 0, dropBefore: 0, dropAfter: 0, handshakeDrop: 0 };

  constructor(
    initial: Partial<FaultSettings> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.settings = checkFaults({ ...NO_FAULTS, ...initial });
  }

  /** The current settings. */
  get(): FaultSettings {
    return this.settings;
  }

  /** Changes some settings (the rest stay). */
  set(patch: Partial<FaultSettings>): void {
    this.settings = checkFaults({ ...this.settings, ...patch });
  }

  /** Decides the fate of one management request. */
  nextRequest(): RequestFault {
    const { errorRate, dropRate } = this.settings;
    if (errorRate === 0 && dropRate === 0) return 'none';
    const r = this.random();
    if (r < errorRate) {
      this.injected.error++;
      return 'error';
    }
    if (r < errorRate + dropRate) {
      if (this.random() < 0.5) {
        this.injected.dropBefore++;
        return 'drop-before';
      }
      this.injected.dropAfter++;
      return 'drop-after';
    }
    return 'none';
  }

  /** True when a server-protocol handshake should be cut. */
  dropHandshake(): boolean {
    if (this.settings.dropRate === 0 || this.random() >= this.settings.dropRate) return false;
    this.injected.handshakeDrop++;
    return true;
  }
}

function checkFaults(s: FaultSettings): FaultSettings {
  const rate = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new RangeError(`${name} must be between 0 and 1`);
  };
  rate('error rate', s.errorRate);
  rate('drop rate', s.dropRate);
  if (s.errorRate + s.dropRate > 1)
    throw new RangeError('error rate + drop rate must not exceed 1');
  if (!Number.isFinite(s.latencyMs) || s.latencyMs < 0)
    throw new RangeError('latency must be a non-negative number of milliseconds');
  return s;
}

/** Parses a latency like `20ms`, `1s` or `150` (milliseconds); null when it is not one. */
export function parseLatency(text: string): number | null {
  const m = /^([0-9]+)(ms|s)?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
