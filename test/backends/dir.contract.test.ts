import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DirBackend } from '../../src/backends/index.js';
import { describeBackendContract } from './contract.js';

describeBackendContract('dir', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-contract-'));
  const state = path.join(dir, 'state');
  return {
    backend: new DirBackend({ dir: state }),
    second: new DirBackend({ dir: state, owner: 'someone-else@elsewhere' }),
    servers: ['MAIN', 'Branch Office/Ü', '..'],
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
