/** `avnet diff` (being written). */
import type { Command } from 'commander';
import type { CommandEnv } from '../io.js';

/** Registers the diff command. */
export function registerDiff(_program: Command, _run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>): void {}
