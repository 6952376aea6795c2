/** The load stage: file → parsed YAML → schema findings → topology model → referenced files. */
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Finding, Topology } from '../model/index.js';
import { parseTopologyYaml, syntaxFindings, type ParsedYaml } from './parse-yaml.js';
import { checkTopologySchema } from './schema-check.js';
import { createSourceMap, type SourceMap } from './source-map.js';
import { normalizeTopology } from './normalize.js';
import { readReferencedFiles, type FileStore, type PathOptions } from './referenced-files.js';
import { resolveSecrets, type SecretEnvironment, type SecretValues } from './secrets.js';
import { readTopologySource, sourceFromBytes, type SourceFile } from './source-file.js';

/** Options of the load stage. */
export interface LoadOptions {
  readonly allowOutsideRoot?: boolean;
  /** Resolve passwords (validate --secrets, plan, apply); unresolved ones are findings. */
  readonly resolveSecrets?: boolean;
  /** Where `env` secrets are read from; defaults to process.env. */
  readonly env?: SecretEnvironment;
}

/** Everything known about a topology after loading it. */
export interface LoadedTopology {
  readonly source: SourceFile;
  /** Absent when the file could not be read at all. */
  readonly parsed?: ParsedYaml;
  readonly sourceMap?: SourceMap;
  readonly topology: Topology;
  readonly files: FileStore;
  readonly secrets?: SecretValues;
  /** Character ranges of inline passwords in the source, masked in snippets. */
  readonly secretRanges: readonly (readonly [number, number])[];
  /** Load-stage findings: yaml-syntax, schema, missing-field, secret-unresolved. */
  readonly findings: readonly (Finding & { offset?: number })[];
  /** False when the file could not be read or parsed: no rule can run. */
  readonly parsedOk: boolean;
  /** True when the topology file itself does not exist (a usage error, not a diagnostic). */
  readonly missing: boolean;
  readonly pathOptions: PathOptions;
}

/** The empty topology used when the file cannot be parsed. */
export const EMPTY_TOPOLOGY: Topology = { defaults: {}, servers: new Map(), links: [] };

/** Loads a topology file from disk. */
export async function loadTopology(file: string, opts: LoadOptions = {}): Promise<LoadedTopology> {
  const read = await readTopologySource(file);
  const pathOptions: PathOptions = {
    rootDir: path.dirname(path.resolve(file)),
    allowOutsideRoot: opts.allowOutsideRoot ?? false,
  };
  if (!read.ok) {
    const source: SourceFile = {
      displayPath: file,
      absolutePath: path.resolve(file),
      text: '',
      sha256: '',
    };
    return {
      source,
      topology: EMPTY_TOPOLOGY,
      files: new Map(),
      secretRanges: [],
      findings: [read.finding],
      parsedOk: false,
      missing: read.missing,
      pathOptions,
    };
  }
  return loadTopologySource(read.source, pathOptions, opts);
}

/** Loads topology text held in memory (tests, `git:` revisions); referenced files still come from disk. */
export async function loadTopologyText(
  text: string,
  displayPath: string,
  opts: LoadOptions & { rootDir?: string } = {},
): Promise<LoadedTopology> {
  const absolutePath = path.resolve(
    opts.rootDir ?? path.dirname(displayPath),
    path.basename(displayPath),
  );
  const read = sourceFromBytes(displayPath, absolutePath, Buffer.from(text, 'utf8'));
  const pathOptions: PathOptions = {
    rootDir: path.dirname(absolutePath),
    allowOutsideRoot: opts.allowOutsideRoot ?? false,
  };
  if (!read.ok) {
    return {
      source: { displayPath, absolutePath, text: '', sha256: '' },
      topology: EMPTY_TOPOLOGY,
      files: new Map(),
      secretRanges: [],
      findings: [read.finding],
      parsedOk: false,
      missing: false,
      pathOptions,
    };
  }
  return loadTopologySource(read.source, pathOptions, opts);
}

async function loadTopologySource(
  source: SourceFile,
  pathOptions: PathOptions,
  opts: LoadOptions,
): Promise<LoadedTopology> {
  const parsed = parseTopologyYaml(source.text);
  const sourceMap = createSourceMap(parsed, source.text);
  const secretRanges = inlineSecretRanges(parsed);
  if (parsed.syntaxErrors.length > 0) {
    return {
      source,
      parsed,
      sourceMap,
      topology: EMPTY_TOPOLOGY,
      files: new Map(),
      secretRanges,
      findings: syntaxFindings(parsed),
      parsedOk: false,
      missing: false,
      pathOptions,
    };
  }
  const findings: Finding[] = checkTopologySchema(parsed.data);
  const topology = normalizeTopology(parsed.data);
  const files = await readReferencedFiles(topology, pathOptions);
  let secrets: SecretValues | undefined;
  if (opts.resolveSecrets) {
    const resolved = await resolveSecrets(topology, opts.env ?? process.env, pathOptions);
    secrets = resolved.values;
    findings.push(...resolved.findings);
  }
  return {
    source,
    parsed,
    sourceMap,
    topology,
    files,
    secrets,
    secretRanges,
    findings,
    parsedOk: true,
    missing: false,
    pathOptions,
  };
}

/** Finds `links[*].password` scalars written inline, so snippets can mask them. */
function inlineSecretRanges(parsed: ParsedYaml): [number, number][] {
  const out: [number, number][] = [];
  const root = parsed.doc.contents;
  if (!isMap(root)) return out;
  const links = root.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'links');
  if (!links || !isSeq(links.value)) return out;
  for (const item of links.value.items) {
    if (!isMap(item)) continue;
    for (const pair of item.items) {
      if (
        isScalar(pair.key) &&
        pair.key.value === 'password' &&
        isScalar(pair.value) &&
        pair.value.range
      ) {
        out.push([pair.value.range[0], pair.value.range[1]]);
      }
    }
  }
  return out;
}
