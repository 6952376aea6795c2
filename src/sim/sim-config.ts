/**
 * What the emulator needs from a topology: per server its protocol address and management URL
 * (both on loopback), its version, and its TLS identity (first certificate, key beside it).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { loadTopology, readReferencedFile } from '../load/index.js';
import type { HostPort } from '../model/index.js';
import { formatHostPort, makesTopologyUnusable, parseAddress } from '../model/index.js';
import { DEFAULT_API_PORT } from '../backends/http/wire.js';

/** One server to emulate. */
export interface SimServerSpec {
  readonly name: string;
  readonly version: number;
  /** Where the server protocol listens. */
  readonly address: HostPort;
  /** Where the management API listens. */
  readonly api: HostPort;
  /** The `api` URL as written in the topology. */
  readonly apiUrl: string;
  readonly certificatePem: string;
  readonly keyPem: string;
  /** SHA-256 fingerprint of the certificate (colon-separated upper-case hex). */
  readonly fingerprint256: string;
}

/** The topology cannot be emulated; `problems` says why, one line each. */
export class SimConfigError extends Error {
  override readonly name = 'SimConfigError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? problems[0]!
        : `the topology cannot be emulated:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The file holding the private key of a certificate file: `X.key` next to `X.pem`. */
export function keyFileFor(certificateFile: string): string {
  const ext = path.extname(certificateFile);
  return (ext ? certificateFile.slice(0, -ext.length) : certificateFile) + '.key';
}

function parseApi(url: string): { hp: HostPort } | { problem: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { problem: 'is not a URL' };
  }
  if (u.protocol !== 'https:') return { problem: 'must be an https:// URL' };
  if (u.username || u.password) return { problem: 'must not hold credentials' };
  const port = u.port ? Number(u.port) : DEFAULT_API_PORT;
  return { hp: { host: u.hostname.replace(/^\[|\]$/g, ''), port } };
}

/** Reads the servers of a topology file for the emulator; throws SimConfigError with every problem. */
export async function loadSimServers(
  file: string,
  opts: { allowOutsideRoot?: boolean } = {},
): Promise<SimServerSpec[]> {
  const loaded = await loadTopology(file, { allowOutsideRoot: opts.allowOutsideRoot });
  if (loaded.missing) throw new SimConfigError([`topology file ${file} does not exist`]);
  const blocking = loaded.findings.filter(makesTopologyUnusable);
  if (!loaded.parsedOk || blocking.length > 0) {
    throw new SimConfigError([
      `${file} is not a valid topology (${blocking[0]?.message ?? 'it cannot be parsed'}); run avnet validate`,
    ]);
  }
  const problems: string[] = [];
  const out: SimServerSpec[] = [];
  const bound = new Map<string, string>();
  const claim = (hp: HostPort, what: string) => {
    const key = formatHostPort(hp);
    const prior = bound.get(key);
    if (prior) problems.push(`${what} ${key} is also ${prior}`);
    else bound.set(key, what);
  };
  for (const s of loaded.topology.servers.values()) {
    const before = problems.length;
    const address = s.address !== undefined ? parseAddress(s.address) : null;
    if (!s.address) problems.push(`server ${s.name} has no address to listen on`);
    else if (!address) problems.push(`server ${s.name}: address "${s.address}" is not host:port`);
    else if (!isLoopbackHost(address.host))
      problems.push(
        `server ${s.name}: address ${s.address} is not a loopback address; the emulator only binds 127.0.0.0/8, ::1 or localhost`,
      );
    let api: HostPort | undefined;
    if (!s.api) problems.push(`server ${s.name} has no api URL to serve its management API on`);
    else {
      const parsed = parseApi(s.api);
      if ('problem' in parsed) problems.push(`server ${s.name}: api URL ${parsed.problem}`);
      else if (!isLoopbackHost(parsed.hp.host))
        problems.push(
          `server ${s.name}: api URL ${s.api} is not on a loopback address; the emulator only binds 127.0.0.0/8, ::1 or localhost`,
        );
      else api = parsed.hp;
    }
    const certPath = s.certificates[0];
    let certificatePem: string | undefined;
    let keyPem: string | undefined;
    let fingerprint256 = '';
    if (!certPath) {
      problems.push(
        `server ${s.name} has no certificate; the emulator presents it as the server's TLS identity`,
      );
    } else {
      const read = loaded.files.get(certPath);
      if (!read || read.status !== 'ok') {
        problems.push(
          `server ${s.name}: certificate ${certPath} ${read?.status === 'error' ? read.reason : read?.status === 'outside-root' ? 'is outside the topology folder' : 'cannot be read'}`,
        );
      } else {
        certificatePem = read.text;
        const keyShown = keyFileFor(certPath);
        // Read like the certificate: inside the topology folder (symlinks included), a regular
        // file (a FIFO would hang the emulator), at most MAX_REFERENCED_FILE_BYTES.
        const key = await readReferencedFile(keyShown, loaded.pathOptions);
        if (key.status === 'ok') keyPem = key.text;
        else if (key.status === 'outside-root')
          problems.push(
            `server ${s.name}: the private key ${keyShown} is outside the topology folder (pass --allow-outside-root to allow it)`,
          );
        else
          problems.push(
            key.missing
              ? `server ${s.name}: the private key ${keyShown} beside ${certPath} is missing; the emulator needs it to present ${s.name}'s certificate (avnet certs generate writes NAME.pem and NAME.key together)`
              : `server ${s.name}: the private key ${keyShown} ${key.reason}`,
          );
        if (keyPem !== undefined) {
          try {
            const x = new X509Certificate(certificatePem);
            fingerprint256 = x.fingerprint256;
            if (!x.checkPrivateKey(createPrivateKey(keyPem))) {
              problems.push(`server ${s.name}: ${keyShown} is not the private key of ${certPath}`);
            }
          } catch (err) {
            problems.push(
              `server ${s.name}: ${certPath} / ${keyShown} cannot be used (${(err as Error).message})`,
            );
          }
        }
      }
    }
    if (problems.length > before || !address || !api || !certificatePem || !keyPem) continue;
    claim(address, `the address of ${s.name}`);
    claim(api, `the api of ${s.name}`);
    out.push({
      name: s.name,
      version: s.version,
      address,
      api,
      apiUrl: s.api!,
      certificatePem,
      keyPem,
      fingerprint256,
    });
  }
  if (problems.length > 0) throw new SimConfigError(problems);
  if (out.length === 0) throw new SimConfigError([`${file} declares no servers`]);
  return out;
}
