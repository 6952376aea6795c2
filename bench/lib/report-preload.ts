/**
 * Preloaded with `node --import` into a program under measurement (the CLI): on exit, reports
 * the process's peak memory and start-up time on fd 3, without any change to the program.
 */
import { writeSync } from 'node:fs';
import type { ChildReport } from './measure.js';

const fd = Number(process.env.AVNET_BENCH_REPORT_FD);
const startupMs = performance.now();
if (Number.isInteger(fd) && fd > 2) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const report: ChildReport = {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      cpuMs: (cpu.user + cpu.system) / 1000,
      startupMs,
    };
    writeSync(fd, JSON.stringify(report));
  });
}
