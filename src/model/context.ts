/** Everything a stage needs from its surroundings, passed in rather than imported as globals. */

/** The logging surface stages use (pino's, reduced to what we call). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A source of the current time, replaceable in tests. */
export interface Clock {
  now(): Date;
}

/** Logger, clock and abort signal for one operation. */
export interface Context {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A context for library callers and tests that want no logs and no cancellation. */
export function quietContext(overrides: Partial<Context> = {}): Context {
  return {
    logger: overrides.logger ?? silentLogger,
    clock: overrides.clock ?? systemClock,
    signal: overrides.signal ?? new AbortController().signal,
  };
}
