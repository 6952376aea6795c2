/**
 * Preloaded into `avnet serve` by the serve suite (`node --expose-gc --import`): on SIGUSR2 it
 * collects all garbage and prints the heap on stderr as a JSON line (`"msg":"bench heap"`). The
 * heap after a full collection grows only with what the process really keeps, while the resident
 * size and the heap between collections swing with the garbage collector's timing.
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  process.stderr.write(
    `${JSON.stringify({ msg: 'bench heap', heapUsed: m.heapUsed, external: m.external, rss: m.rss })}\n`,
  );
});
