import { describe, expect, it } from 'vitest';
import { DiffSourceError, gitReason, parseDiffSide } from './load-side.js';

describe('parseDiffSide', () => {
  it.each([
    ['topology.yaml', { kind: 'file', path: 'topology.yaml' }],
    ['./git:odd.yaml', { kind: 'file', path: './git:odd.yaml' }],
    ['git:HEAD~1:topology.yaml', { kind: 'git', ref: 'HEAD~1', path: 'topology.yaml' }],
    [
      'git:origin/main:network/topology.yaml',
      { kind: 'git', ref: 'origin/main', path: 'network/topology.yaml' },
    ],
    ['git:HEAD:a:b.yaml', { kind: 'git', ref: 'HEAD', path: 'a:b.yaml' }],
  ])('%s', (arg, expected) => {
    expect(parseDiffSide(arg)).toEqual({ ...expected, display: arg });
  });

  it.each(['git:HEAD', 'git::topology.yaml', 'git:HEAD:', 'git:--output=x:t.yaml'])(
    'rejects %s',
    (arg) => {
      expect(() => parseDiffSide(arg)).toThrow(DiffSourceError);
    },
  );
});

describe('gitReason', () => {
  it('keeps the fatal line without its prefix', () => {
    expect(gitReason("hint: something\nfatal: path 'x' does not exist in 'HEAD'\n")).toBe(
      "path 'x' does not exist in 'HEAD'",
    );
    expect(gitReason('warning: w\n')).toBe('warning: w');
    expect(gitReason('', new Error('Command failed\nmore'))).toBe('Command failed');
  });
});
