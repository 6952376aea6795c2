/** `avnet diff --format json`: the diff data itself, whose shape is documented in docs/diff.md. */
import type { TopologyDiff } from './diff-model.js';

/** Renders a diff as one pretty-printed JSON document. */
export function formatDiffJson(diff: TopologyDiff): string {
  return JSON.stringify(diff, null, 2) + '\n';
}
