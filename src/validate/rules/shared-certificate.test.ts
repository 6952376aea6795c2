import { fixture } from '../../../test/helpers/topology.js';
import { describeRule, server, topo } from '../../../test/helpers/rule-table.js';
import { sharedCertificateRule } from './shared-certificate.js';

/** A server line with the given certificate list (first entry at column 42). */
const s = (name: string, certs: string) =>
  `  ${name}: {address: ${name.toLowerCase()}.example, certificates: [${certs}]}`;
const P256 = fixture('ec-p256.pem');

describeRule(sharedCertificateRule, [
  {
    name: 'one certificate per server',
    yaml: topo([server('A'), server('B'), server('C')]),
    want: [],
    clean: true,
  },
  {
    name: 'the same file for two servers',
    yaml: topo([s('A', 'certs/A.pem'), s('B', 'certs/A.pem')]),
    want: [{ pointer: '/servers/B/certificates/0', at: '5:42', related: ['4:42'] }],
    messages: [/^certificate sha256 ([0-9A-F]{2}:){8}\.\.\. of B is also a certificate of A$/],
  },
  {
    name: 'two different paths holding the same PEM',
    yaml: topo([s('A', 'tls/one.pem'), s('B', 'tls/two.pem')]),
    files: { 'tls/one.pem': P256, 'tls/two.pem': P256 },
    want: [{ pointer: '/servers/B/certificates/0', at: '5:42', related: ['4:42'] }],
  },
  {
    name: 'the same certificate with CRLF line endings (compared by fingerprint, not text)',
    yaml: topo([s('A', 'tls/one.pem'), s('B', 'tls/two.pem')]),
    files: { 'tls/one.pem': P256, 'tls/two.pem': P256.replace(/\n/g, '\r\n') },
    want: [{ pointer: '/servers/B/certificates/0', at: '5:42', related: ['4:42'] }],
  },
  {
    name: 'the same certificate listed twice by one server',
    yaml: topo([s('A', 'certs/A.pem, tls/copy.pem'), server('B')]),
    files: { 'tls/copy.pem': P256 + fixture('ed25519.pem') },
    want: [],
  },
  {
    name: "another server's certificate as the second of a list",
    yaml: topo([s('A', 'certs/A.pem'), s('B', 'certs/B.pem, certs/A.pem')]),
    want: [{ pointer: '/servers/B/certificates/1', at: '5:55', related: ['4:42'] }],
  },
  {
    name: "another server's certificate as the second block of a bundle file",
    yaml: topo([s('A', 'tls/a.pem'), s('B', 'tls/bundle.pem')]),
    files: { 'tls/a.pem': P256, 'tls/bundle.pem': fixture('ed25519.pem') + P256 },
    want: [{ pointer: '/servers/B/certificates/0', at: '5:42', related: ['4:42'] }],
  },
  {
    name: 'three servers sharing one certificate: each later one points at the first',
    yaml: topo([s('A', 'certs/A.pem'), s('B', 'certs/A.pem'), s('C', 'certs/A.pem')]),
    want: [
      { pointer: '/servers/B/certificates/0', at: '5:42', related: ['4:42'] },
      { pointer: '/servers/C/certificates/0', at: '6:42', related: ['4:42'] },
    ],
  },
  {
    name: 'an unparseable shared file is certificate-invalid, not shared-certificate',
    yaml: topo([s('A', 'tls/x.pem'), s('B', 'tls/x.pem')]),
    files: { 'tls/x.pem': 'nope' },
    want: [],
  },
]);
