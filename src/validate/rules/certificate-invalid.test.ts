import { FIXTURE_KEY_TYPES, fixture } from '../../../test/helpers/topology.js';
import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { certificateInvalidRule } from './certificate-invalid.js';

/** Server A with the given certificate list (first entry at 4:42) and extra keys, linked to B. */
const a = (certs: string, extra = '') =>
  topo([`  A: {address: a.example, certificates: [${certs}]${extra}}`, server('B')], pc('A', 'B'));

const bad: [string, string, string][] = [
  ['missing file', '', 'does not exist'],
  [
    'a private key instead of a certificate',
    fixture('rsa2048.key'),
    'holds a private key, not a certificate',
  ],
  ['a public key instead of a certificate', fixture('ec-p256.pub'), 'is not a PEM certificate'],
  ['plain text', 'hello\n', 'is not a PEM certificate'],
  [
    'a PEM block that is not DER',
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    'cannot be parsed as an X.509 certificate',
  ],
  ['a binary file', 'x\u0000y', 'is binary, not PEM text'],
];

describeRule(certificateInvalidRule, [
  ...FIXTURE_KEY_TYPES.map((t) => ({
    name: `an openssl ${t} certificate`,
    yaml: a('tls/a.pem'),
    files: { 'tls/a.pem': fixture(`${t}.pem`) },
    want: [],
    clean: true,
  })),
  {
    name: 'a bundle of two certificates in one file',
    yaml: a('tls/a.pem'),
    files: { 'tls/a.pem': fixture('ec-p384.pem') + fixture('ed25519.pem') },
    want: [],
    clean: true,
  },
  {
    name: 'a public key file, and a certificate used as the public key',
    yaml: a('certs/A.pem', ', publicKey: keys/A.pub'),
    want: [],
    clean: true,
  },
  ...bad.map(([name, content, reason]) => ({
    name,
    yaml: a('tls/a.pem'),
    files: content === '' ? undefined : { 'tls/a.pem': content },
    want: [{ pointer: '/servers/A/certificates/0', at: '4:42' }],
    messages: [`certificate file tls/a.pem of A ${reason}`],
  })),
  {
    name: 'a directory',
    yaml: a('tls'),
    files: { 'tls/inside': '' },
    want: [{ pointer: '/servers/A/certificates/0', at: '4:42' }],
    messages: ['is a directory'],
  },
  {
    name: 'the second certificate of the list',
    yaml: a('certs/A.pem, tls/none.pem'),
    want: [{ pointer: '/servers/A/certificates/1', at: '4:55' }],
  },
  {
    name: 'a missing public key file',
    yaml: a('certs/A.pem', ', publicKey: tls/none.pub'),
    want: [{ pointer: '/servers/A/publicKey', at: '4:67' }],
    messages: ['public key file tls/none.pub of A does not exist'],
  },
  {
    name: 'a public key file that is not PEM',
    yaml: a('certs/A.pem', ', publicKey: tls/a.pub'),
    files: { 'tls/a.pub': 'ssh-ed25519 AAAAC3Nza... user@host\n' },
    want: [{ pointer: '/servers/A/publicKey', at: '4:67' }],
    messages: ['is not a PEM public key'],
  },
  {
    name: 'a public key block with garbage inside',
    yaml: a('certs/A.pem', ', publicKey: tls/a.pub'),
    files: { 'tls/a.pub': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' },
    want: [{ pointer: '/servers/A/publicKey', at: '4:67' }],
    messages: ['cannot be parsed as a public key'],
  },
  {
    name: 'one broken file shared by two servers is reported for each',
    yaml: topo(
      [
        '  A: {address: a.example, certificates: [tls/x.pem]}',
        '  B: {address: b.example, certificates: [tls/x.pem]}',
      ],
      pc('A', 'B'),
    ),
    files: { 'tls/x.pem': 'nope' },
    want: [
      { pointer: '/servers/A/certificates/0', at: '4:42' },
      { pointer: '/servers/B/certificates/0', at: '5:42' },
    ],
  },
]);
