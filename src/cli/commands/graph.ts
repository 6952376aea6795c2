/** `avnet graph` (being written). */
import type { Command } from 'commander';
import type { CommandEnv } from '../io.js';

/** Registers the graph command. */
export function registerGraph(_program: Command, _run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>): void {}
