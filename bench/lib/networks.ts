/** Generated networks kept under `.bench-tmp/networks/`, regenerated only when stale. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  GENERATOR_VERSION,
  generateNetwork,
  type GeneratedNetwork,
  type NetworkOptions,
} from '../generate-network.js';

/** Networks older than this are regenerated (their certificates age). */
const MAX_AGE_MS = 30 * 86_400_000;

interface Marker {
  readonly version: number;
  readonly key: string;
  readonly generatedAt: number;
}

/**
 * A network for benchmarks: `.bench-tmp/networks/<name>/`, written once and reused while the
 * generator version and options match. Options must not contain functions (no `custom` edits).
 */
export async function benchNetwork(
  tmpDir: string,
  name: string,
  opts: NetworkOptions,
  log: (message: string) => void = () => {},
): Promise<{ dir: string; topologyFile: string; generated: boolean; network?: GeneratedNetwork }> {
  const dir = path.join(tmpDir, 'networks', name);
  const topologyFile = path.join(dir, 'topology.yaml');
  const markerFile = path.join(dir, '.bench-network.json');
  const mods = opts.modify === undefined ? [] : [opts.modify].flat();
  if (mods.some((m) => m.kind === 'custom')) {
    throw new Error('benchNetwork caches by options: use generateNetwork for custom modifications');
  }
  const { certCacheDir: _ignored, ...keyed } = opts;
  const key = JSON.stringify(keyed);
  try {
    const marker = JSON.parse(await readFile(markerFile, 'utf8')) as Marker;
    if (
      marker.version === GENERATOR_VERSION &&
      marker.key === key &&
      Date.now() - marker.generatedAt < MAX_AGE_MS
    ) {
      await readFile(topologyFile); // still there
      return { dir, topologyFile, generated: false };
    }
  } catch {
    // no usable network yet
  }
  const started = performance.now();
  log(`generating ${name} (${opts.servers} servers)...`);
  const network = await generateNetwork(dir, {
    certCacheDir: path.join(tmpDir, 'cert-cache'),
    ...opts,
  });
  const marker: Marker = { version: GENERATOR_VERSION, key, generatedAt: Date.now() };
  await writeFile(markerFile, JSON.stringify(marker));
  log(`generated ${name} in ${Math.round(performance.now() - started)} ms`);
  return { dir, topologyFile, generated: true, network };
}
