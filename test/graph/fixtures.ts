/** Topologies for the graph tests, written as real files (YAML, certificates) into temp folders. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateServerCertificate } from '../../src/certs/index.js';
import { checkTopology, type CheckedTopology } from '../../src/engine/index.js';
import { buildGraph, type TopologyGraph } from '../../src/graph/index.js';
import { quietContext } from '../../src/model/index.js';

/** A password written inline in the broken topology; no drawing may contain it. */
export const INLINE_SECRET = 'inline-Pa55word-never-drawn';
/** Environment variable of an env password, and its value; no drawing may contain it. */
export const SECRET_ENV = 'AVNET_GRAPH_TEST_SECRET';
export const ENV_SECRET = 'env-Pa55word-never-drawn';
/** Content of a secret file of the network topology. */
export const FILE_SECRET = 'file-Pa55word-never-drawn';

/** A server name with every character that needs escaping somewhere, plus spaces and unicode. */
export const TRICKY_NAME = 'Zweigstelle "Süd" <#1|a&b> \\N `x` 50% direction TB';

/** A valid network: parent/child links (one periodic) and a one-way peer link, four servers. */
export const NETWORK_YAML = `apiVersion: avnet/v1
kind: Topology
name: corp-av
servers:
  MAIN:
    address: main.corp.example
    certificates: [certs/MAIN.pem]
  AUX:
    address: aux.corp.example:2193
    version: 12
    certificates: [certs/AUX.pem]
  EAST:
    address: east.branch-office-with-a-long-name.corp.example:2193
    certificates: [certs/EAST.pem]
  WEST:
    address: 10.0.0.7
    certificates: [certs/WEST.pem]
links:
  - parent: MAIN
    child: AUX
    password: { env: ${SECRET_ENV} }
  - parent: MAIN
    child: EAST
    password: { file: secrets/main-east }
    connection: periodic
    reconnectPeriod: 15m
  - peers: [EAST, WEST]
    password: { file: secrets/east-west }
    dial: WEST
    flows:
      updates: EAST->WEST
      events: both
      licenses: none
`;

/**
 * A topology with errors: an encryption mismatch, an unknown server, a peer link without flows,
 * a disabled protocol; and warnings (inline password, both peers dial).
 */
export const BROKEN_YAML = `apiVersion: avnet/v1
kind: Topology
name: 'broken "net" <#2>'
servers:
  MAIN:
    address: 127.0.0.1:12193
    certificates: [certs/MAIN.pem]
    encryption: yes
  ${JSON.stringify(TRICKY_NAME)}:
    address: 127.0.0.1:12194
    version: 11
    certificates: [certs/SUED.pem]
    encryption: no
  東京:
    address: 127.0.0.1:12195
    certificates: [certs/TOKYO.pem]
  OFF:
    address: 127.0.0.1:12196
    certificates: [certs/OFF.pem]
    protocol: disabled
links:
  - parent: MAIN
    child: ${JSON.stringify(TRICKY_NAME)}
    password: ${INLINE_SECRET}
  - parent: MAIN
    child: GHOST
    password: { env: ${SECRET_ENV} }
  - peers: [MAIN, 東京]
    password: { env: ${SECRET_ENV}_2 }
    dial: both
    flows: { updates: both, events: 東京->MAIN, licenses: none }
  - peers: [東京, OFF]
    password: { env: ${SECRET_ENV}_3 }
    flows: { updates: none, events: none, licenses: none }
`;

/** Server names of the broken topology, including the unknown one. */
export const BROKEN_NAMES = ['MAIN', TRICKY_NAME, '東京', 'OFF', 'GHOST'];
/** Server names of the network topology. */
export const NETWORK_NAMES = ['MAIN', 'AUX', 'EAST', 'WEST'];

// Key generation is the slow part; one set of certificates serves every folder of a test file.
let certCache: Map<string, string> | undefined;
function certificates(): Map<string, string> {
  certCache ??= new Map(
    ['MAIN', 'AUX', 'EAST', 'WEST', 'SUED', 'TOKYO', 'OFF'].map((n) => [
      n,
      generateServerCertificate(n, { bits: 1024 }).certificatePem,
    ]),
  );
  return certCache;
}

/** A temp folder holding `topology.yaml`, every certificate the fixtures name, and secret files. */
export interface FixtureDir {
  readonly dir: string;
  readonly file: string;
  cleanup(): Promise<void>;
}

/** Writes a topology and the files it references into a new temp folder. */
export async function writeFixture(yaml: string): Promise<FixtureDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'avnet-graph-'));
  await mkdir(path.join(dir, 'certs'));
  await mkdir(path.join(dir, 'secrets'));
  for (const [name, pem] of certificates()) {
    await writeFile(path.join(dir, 'certs', `${name}.pem`), pem);
  }
  await writeFile(path.join(dir, 'secrets', 'main-east'), `${FILE_SECRET}-1\n`);
  await writeFile(path.join(dir, 'secrets', 'east-west'), `${FILE_SECRET}-2\n`);
  const file = path.join(dir, 'topology.yaml');
  await writeFile(file, yaml);
  return { dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes a fixture, loads and validates it like `avnet graph` does, and builds its graph.
 * `resolveSecrets` loads the env and file passwords too, to prove they still are not drawn.
 */
export async function graphFixture(
  yaml: string,
  resolveSecrets = false,
): Promise<{ graph: TopologyGraph; checked: CheckedTopology; fixture: FixtureDir }> {
  const fixture = await writeFixture(yaml);
  const env = { [SECRET_ENV]: ENV_SECRET, [`${SECRET_ENV}_2`]: `${ENV_SECRET}-2` };
  const checked = await checkTopology(fixture.file, { resolveSecrets, env }, quietContext());
  return {
    graph: buildGraph(checked.loaded.topology, checked.validation.diagnostics),
    checked,
    fixture,
  };
}
