import { describe, expect, it } from 'vitest';
import * as avnet from '../../src/index.js';

describe('library API', () => {
  it('exposes the engine and every stage', () => {
    expect(typeof avnet.reconcileOnce).toBe('function');
    expect(typeof avnet.checkTopology).toBe('function');
    expect(typeof avnet.validate.validateTopology).toBe('function');
    expect(typeof avnet.plan.computePlan).toBe('function');
    expect(typeof avnet.render.renderDesiredState).toBe('function');
    expect(typeof avnet.apply.applyPlan).toBe('function');
    expect(typeof avnet.graph.renderMermaid).toBe('function');
    expect(typeof avnet.diff.computeTopologyDiff).toBe('function');
    expect(avnet.RULE_IDS).toContain('duplicate-credentials');
  });

  it('validates a topology without the CLI', async () => {
    const loaded = await avnet.load.loadTopologyText(
      'apiVersion: avnet/v1\nkind: Topology\nservers: {}\n',
      'inline.yaml',
      { rootDir: '/tmp' },
    );
    const result = avnet.validate.validateTopology(loaded);
    expect(result.errors).toBe(0);
  });
});
