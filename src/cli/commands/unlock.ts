/** `avnet unlock LOCK_ID`: remove a lock left by a crashed apply (like `terraform force-unlock`). */
import type { Command } from 'commander';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandEnv } from '../io.js';
import { addBackendFlags, type BackendFlags } from '../backend-flags.js';
import { backendTargetFor } from '../backend-target.js';

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
      const target = await backendTargetFor(env, file, flags);
      const backend = await target.open([]);
      try {
        if (!backend.forceUnlock)
          throw new UsageError(`the ${backend.type} backend keeps no lock to remove`);
        const removed = await backend.forceUnlock(id);
        env.out(
          removed
            ? `Removed lock ${id} held by ${removed.owner} for "${removed.operation}" since ${removed.startedAt}.\n`
            : 'The state is not locked.\n',
        );
      } catch (err) {
        throw err instanceof UsageError ? err : new UsageError((err as Error).message);
      } finally {
        await backend.close();
      }
      return EXIT_OK;
    });
  });
}
