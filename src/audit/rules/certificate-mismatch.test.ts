import { CertPool } from '../../../test/helpers/topology.js';
import { entry, linked, server, states } from '../../../test/helpers/state.js';
import { describeStateRule } from '../../../test/helpers/state-table.js';
import { certificateMismatchRule } from './certificate-mismatch.js';

const pool = new CertPool().warm('MAIN', 'AUX', 'OTHER', 'NEW', 'OLD10');
const pem = (name: string) => pool.get(name).certificatePem;
/** The same certificate in another PEM layout (CRLF, no trailing newline): still the same. */
const reformatted = (name: string) => pem(name).replace(/\n/g, '\r\n').trim();

/** MAIN parent of AUX, each entry listing the other's certificate and its own. */
const certs = (
  onMain: { own?: string[]; neighbor?: string[] } = {},
  onAux: { own?: string[]; neighbor?: string[] } = {},
) =>
  linked(
    'MAIN',
    'AUX',
    'child',
    {
      ownCertificates: onMain.own ?? [pem('MAIN')],
      neighborCertificates: onMain.neighbor ?? [pem('AUX')],
    },
    {
      ownCertificates: onAux.own ?? [pem('AUX')],
      neighborCertificates: onAux.neighbor ?? [pem('MAIN')],
    },
  );

/** MAIN's Child entry for `name`, expecting `expects` as that neighbor's certificates. */
const mainFor = (name: string, expects: string[]) =>
  entry(name, 'child', { ownCertificates: [pem('MAIN')], neighborCertificates: expects });

const pair = (...entries: ReturnType<typeof certs>) =>
  states(server('MAIN', [entries[0]]), server('AUX', [entries[1]]));

describeStateRule(certificateMismatchRule, [
  {
    name: 'each entry lists the certificate the other server holds as its own',
    servers: pair(...certs()),
    want: [],
  },
  {
    name: 'the same certificate in another PEM layout',
    servers: pair(...certs({ neighbor: [reformatted('AUX')] })),
    want: [],
  },
  {
    name: 'one of several: a certificate being rotated in is listed next to the current one',
    servers: pair(...certs({ neighbor: [pem('NEW'), pem('AUX')] })),
    want: [],
  },
  {
    name: "MAIN expects a certificate AUX does not hold: MAIN's entry, with AUX's own list related",
    servers: pair(...certs({ neighbor: [pem('OTHER')] })),
    want: [
      'MAIN→AUX /neighbors/0/neighborCertificates [related: AUX /neighbors/0/ownCertificates]',
    ],
    messages: [
      /^MAIN's entry for AUX lists none of the certificates AUX holds as its own \(expects sha256 [0-9A-F:]+:\.\.\.; AUX has sha256 [0-9A-F:]+:\.\.\.\): the link stays offline$/,
    ],
  },
  {
    name: 'both directions wrong: one finding per entry, the server named first first',
    servers: pair(...certs({ neighbor: [pem('OTHER')] }, { neighbor: [pem('OTHER')] })),
    want: [
      'AUX→MAIN /neighbors/0/neighborCertificates [related: MAIN /neighbors/0/ownCertificates]',
      'MAIN→AUX /neighbors/0/neighborCertificates [related: AUX /neighbors/0/ownCertificates]',
    ],
  },
  {
    name: 'an entry that lists no certificate of its neighbor',
    servers: pair(...certs({}, { neighbor: [] })),
    want: [
      'AUX→MAIN /neighbors/0/neighborCertificates [related: MAIN /neighbors/0/ownCertificates]',
    ],
    messages: [/^AUX's entry for MAIN lists no certificate of MAIN/],
  },
  {
    name: 'nothing to compare with: the other entry lists no own certificates',
    servers: pair(...certs({}, { own: [] })),
    want: [],
  },
  {
    name: 'a one-sided entry is not compared (one-sided-link reports it)',
    servers: states(server('MAIN', [certs({ neighbor: [pem('OTHER')] })[0]]), server('AUX', [])),
    want: [],
  },
  {
    name: 'the mirrored entry at another index',
    servers: states(
      server('MAIN', [entry('ZED', 'child'), certs({ neighbor: [pem('OTHER')] })[0]]),
      server('AUX', [certs()[1]]),
      server('ZED', [entry('MAIN', 'parent', { address: 'main.example' })]),
    ),
    want: [
      'MAIN→AUX /neighbors/1/neighborCertificates [related: AUX /neighbors/0/ownCertificates]',
    ],
  },
  {
    name: 'an unparseable certificate is compared as text, not thrown on',
    servers: pair(
      ...certs({
        neighbor: ['-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'],
      }),
    ),
    want: [
      'MAIN→AUX /neighbors/0/neighborCertificates [related: AUX /neighbors/0/ownCertificates]',
    ],
    messages: [/expects an unparseable certificate/],
  },
  {
    name: "v10 ↔ v11+: the v10 server's entry holds the public key of the v11+ server's certificate",
    servers: states(
      server('MAIN', [mainFor('OLD10', [pem('OLD10')])]),
      server(
        'OLD10',
        [
          entry('MAIN', 'parent', {
            address: 'main.example',
            ownCertificates: [pem('OLD10')],
            neighborPublicKey: pool.get('MAIN').publicKeyPem,
          }),
        ],
        { version: 10 },
      ),
    ),
    want: [],
  },
  {
    name: "v10 ↔ v11+: the v10 server's entry holds another server's public key",
    servers: states(
      server('MAIN', [mainFor('OLD10', [pem('OLD10')])]),
      server(
        'OLD10',
        [
          entry('MAIN', 'parent', {
            address: 'main.example',
            ownCertificates: [pem('OLD10')],
            neighborPublicKey: pool.get('OTHER').publicKeyPem,
          }),
        ],
        { version: 10 },
      ),
    ),
    want: [
      'OLD10→MAIN /neighbors/0/neighborPublicKey [related: MAIN /neighbors/0/ownCertificates]',
    ],
    messages: [
      /^OLD10's entry for MAIN holds a public key that matches none of the certificates MAIN holds as its own: the v10 server needs the public key of its v11\+ neighbor; the link stays offline$/,
    ],
  },
  {
    name: "v10 ↔ v11+: the v10 server's entry holds no public key (and has no certificate fields)",
    servers: states(
      server('MAIN', [mainFor('OLD10', [pem('OLD10')])]),
      server('OLD10', [entry('MAIN', 'parent', { address: 'main.example' })], { version: 10 }),
    ),
    want: [
      'OLD10→MAIN /neighbors/0/neighborPublicKey [related: MAIN /neighbors/0/ownCertificates]',
    ],
    messages: [/^OLD10's entry for MAIN holds no public key of MAIN/],
  },
  {
    name: "v11+ side of a v10 link: the certificate made from the v10 server's key is checked as usual",
    servers: states(
      server('MAIN', [mainFor('OLD10', [pem('OTHER')])]),
      server(
        'OLD10',
        [
          entry('MAIN', 'parent', {
            address: 'main.example',
            ownCertificates: [pem('OLD10')],
            neighborPublicKey: pool.get('MAIN').publicKeyPem,
          }),
        ],
        { version: 10 },
      ),
    ),
    want: [
      'MAIN→OLD10 /neighbors/0/neighborCertificates [related: OLD10 /neighbors/0/ownCertificates]',
    ],
  },
]);
