/** `avnet unlock LOCK_ID`: remove a lock left by a crashed apply (like `terraform force-unlock`). */
import type { Command } from 'commander';
import { DirBackend } from '../../backends/index.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, type BackendFlags } from '../backend-flags.js';
import { openBackendFor } from '../backend-target.js';

/** Registers the unlock command. */
export function registerUnlock(
  program: Command,
  run: (action: (env: CommandEnv) => Promise<number>) => Promise<void>,
): void {
  addBackendFlags(
    program
      .command('unlock')
      .description('remove the dir backend lock with this id, left by a crashed avnet')
      .argument('<lock-id>', 'the lock id shown in the "state is locked" message')
      .argument('[file]', 'topology file (to find the default state folder)'),
  ).action(async (id: string, file: string | undefined, flags: BackendFlags) => {
    await run(async (env) => {
      const { backend } = await openBackendFor(env, file, flags);
      if (!(backend instanceof DirBackend))
        throw new UsageError('only the dir backend has a lock to remove');
      try {
        const removed = await backend.forceUnlock(id);
        env.out(
          removed
            ? `Removed lock ${id} held by ${removed.owner} for "${removed.operation}" since ${removed.startedAt}.\n`
            : 'The state is not locked.\n',
        );
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      return EXIT_OK;
    });
  });
}
