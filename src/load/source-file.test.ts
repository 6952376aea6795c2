import { describe, expect, it } from 'vitest';
import { MAX_TOPOLOGY_BYTES, decodeTopologyBytes, sourceFromBytes } from './source-file.js';

describe('decodeTopologyBytes', () => {
  it('strips a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('kind: Topology\n')]);
    expect(decodeTopologyBytes(bytes)).toEqual({ text: 'kind: Topology\n' });
  });

  it.each<[string, Uint8Array, RegExp]>([
    [
      'a NUL byte',
      Buffer.from('a: 1\n\u0000'),
      /^file is binary, not YAML text \(NUL byte at offset 5\)$/,
    ],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('name: ok\n'), Buffer.from([0xc3, 0x28])]),
      /^file is not valid UTF-8 \(first bad byte near offset [6-9]\)$/,
    ],
    ['Latin-1 text', Buffer.from('name: caf\u00e9\n', 'latin1'), /not valid UTF-8/],
    ['a file over the size limit', new Uint8Array(MAX_TOPOLOGY_BYTES + 1), /^file is too large/],
  ])('refuses %s', (_what, bytes, message) => {
    const r = decodeTopologyBytes(bytes);
    expect('error' in r && r.error).toMatch(message);
  });

  it('hashes the bytes it was given', () => {
    const r = sourceFromBytes('t.yaml', '/x/t.yaml', Buffer.from('a: 1\n'));
    expect(r.ok && r.source).toEqual({
      displayPath: 't.yaml',
      absolutePath: '/x/t.yaml',
      text: 'a: 1\n',
      sha256: '37b128c59f1f5097f73f82691cb519f1f568667faab5ced1b4ab979d36837eae',
    });
  });
});
