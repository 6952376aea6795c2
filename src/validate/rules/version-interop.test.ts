import { CertPool, fixture } from '../../../test/helpers/topology.js';
import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { versionInteropRule } from './version-interop.js';

/** V10KEY is the v10 server's own key pair; OFROMKEY is a certificate made from its private key. */
const pool = () => {
  const p = new CertPool();
  p.get('OFROMKEY', { privateKeyPem: p.get('V10KEY').privateKeyPem });
  return p;
};

const M_KEY = server('M', 'publicKey: keys/M.pub');
const M_NOKEY = server('M');
const o = (extra = '') => server('O', `${extra}version: 10`);
const v10 = (certs: string, extra = '') =>
  `  O: {address: o.example, certificates: [${certs}], ${extra}version: 10}`;

// Two servers: M on line 4, O on line 5, the link at 7:5. On O's line the certificate list starts
// at column 41 and `publicKey: ` values at column 67.
describeRule(
  versionInteropRule,
  [
    {
      name: 'v13 with publicKey and v10',
      yaml: topo([M_KEY, o()], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: 'v13 without publicKey and v10',
      yaml: topo([M_NOKEY, o()], pc('M', 'O')),
      want: [{ pointer: '/links/0', at: '7:5', related: ['4:3'] }],
      messages: ['link M->O joins v10 server O to v13 server M, which has no publicKey'],
    },
    {
      name: 'v10 peer of a v12 server without publicKey',
      yaml: topo([server('M', 'version: 12'), o()], peers('O', 'M')),
      want: [{ pointer: '/links/0', at: '7:5', related: ['4:3'] }],
      messages: ['to v12 server M'],
    },
    {
      name: 'v10 with v10',
      yaml: topo([server('M', 'version: 10'), o()], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: 'v11 with v13',
      yaml: topo([server('M', 'version: 11'), server('O')], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: 'v10 publicKey matching its certificate',
      yaml: topo([M_KEY, o('publicKey: keys/O.pub, ')], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: "v10 certificate generated from the v10 server's private key (privateKeyPem reuse)",
      yaml: topo([M_KEY, v10('certs/OFROMKEY.pem', 'publicKey: keys/V10KEY.pub, ')], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: 'v10 publicKey given as a certificate file of the same key',
      yaml: topo([M_KEY, v10('certs/OFROMKEY.pem', 'publicKey: certs/V10KEY.pem, ')], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: 'v10 certificate that does not match the v10 publicKey',
      yaml: topo([M_KEY, o('publicKey: keys/X.pub, ')], pc('M', 'O')),
      want: [{ pointer: '/servers/O/certificates', at: '5:41', related: ['5:67'] }],
      messages: ['no certificate of v10 server O matches its publicKey keys/X.pub'],
    },
    {
      name: 'v10 publicKey of another key type (EC) than its RSA certificate',
      yaml: topo([M_KEY, o('publicKey: tls/ec.pub, ')], pc('M', 'O')),
      files: { 'tls/ec.pub': fixture('ec-p256.pub') },
      want: [{ pointer: '/servers/O/certificates', at: '5:41', related: ['5:67'] }],
    },
    {
      name: 'one of two v10 certificates matches',
      yaml: topo([M_KEY, v10('certs/X.pem, certs/O.pem', 'publicKey: keys/O.pub, ')], pc('M', 'O')),
      want: [],
      clean: true,
    },
    {
      name: 'v10 without certificates',
      yaml: topo([M_KEY, '  O: {address: o.example, version: 10}'], pc('M', 'O')),
      want: [{ pointer: '/servers/O', at: '5:3', related: ['7:5'] }],
      messages: [
        'v10 server O links to v11+ servers but has no certificate generated from its private key',
      ],
      absent: ['missing-field'],
    },
    {
      name: 'both problems at once, sorted by position',
      yaml: topo([M_NOKEY, o('publicKey: keys/X.pub, ')], pc('M', 'O')),
      want: [
        { pointer: '/servers/O/certificates', at: '5:41', related: ['5:67'] },
        { pointer: '/links/0', at: '7:5', related: ['4:3'] },
      ],
    },
    {
      name: 'a v10 server linked to two v13 servers without publicKey: one finding per link',
      yaml: topo([M_NOKEY, o(), server('N')], [...pc('M', 'O'), ...pc('O', 'N')]),
      want: [
        { pointer: '/links/0', at: '8:5', related: ['4:3'] },
        { pointer: '/links/1', at: '11:5', related: ['6:3'] },
      ],
    },
    {
      name: 'an unreadable v10 publicKey is left to certificate-invalid',
      yaml: topo([M_KEY, o('publicKey: tls/none.pub, ')], pc('M', 'O')),
      want: [],
    },
  ],
  { pool },
);
