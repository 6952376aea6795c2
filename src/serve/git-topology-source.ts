/** The git source as one of serve's topology sources. */
import type { Context } from '../model/index.js';
import type { GitSource } from './git-source.js';
import type { SourceRead, TopologySource } from './source.js';

/** Wraps a GitSource: each fetch brings a commit's snapshot folder, read like any topology. */
export function gitTopologySource(git: GitSource): TopologySource {
  return {
    type: 'git',
    async read(ctx: Context): Promise<SourceRead> {
      const fetched = await git.fetch(ctx);
      if (fetched.outcome === 'failed') return { outcome: 'failed', error: fetched.error };
      const { snapshot } = fetched;
      return {
        outcome: fetched.outcome,
        snapshot: {
          revision: snapshot.revision,
          file: snapshot.file,
          root: snapshot.dir,
          commit: snapshot.commit,
        },
      };
    },
    async snapshotOf(revision, ctx) {
      try {
        const s = await git.snapshot(revision, ctx);
        return { revision: s.revision, file: s.file };
      } catch (err) {
        ctx.logger.warn(
          { revision, err: (err as Error).message },
          'serve: cannot read a known commit again',
        );
        return null;
      }
    },
    markGood: (revision, ctx) => git.markGood(revision, ctx),
    status: () => git.status(),
    close: () => git.close(),
  };
}
