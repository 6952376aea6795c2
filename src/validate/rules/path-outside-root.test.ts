import { fixture } from '../../../test/helpers/topology.js';
import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { pathOutsideRootRule } from './path-outside-root.js';

/** Server A whose certificate list is written as given (first entry at 4:42), linked to B. */
const certAt = (p: string, extra = '') =>
  topo([`  A: {address: a.example, certificates: [${p}]${extra}}`, server('B')], pc('A', 'B'));
const PEM_FILE = { '../outside.pem': 'not read: outside the root' };

// The topology lives in `topo/` of the case folder, so `../x` is a real file outside its root.
describeRule(pathOutsideRootRule, [
  {
    name: 'a path inside the root',
    yaml: certAt('certs/A.pem'),
    topologyDir: 'topo',
    want: [],
    clean: true,
  },
  {
    name: 'a path that leaves and re-enters the root',
    yaml: certAt('certs/../certs/A.pem'),
    topologyDir: 'topo',
    want: [],
    absent: ['certificate-invalid'],
  },
  {
    name: 'a certificate via ../',
    yaml: certAt('../outside.pem'),
    topologyDir: 'topo',
    files: PEM_FILE,
    want: [{ pointer: '/servers/A/certificates/0', at: '4:42' }],
    messages: ["../outside.pem resolves outside the topology's folder"],
    absent: ['certificate-invalid'],
  },
  {
    name: 'an absolute path',
    yaml: certAt('/nonexistent-avnet-dir/a.pem'),
    want: [{ pointer: '/servers/A/certificates/0', at: '4:42' }],
    absent: ['certificate-invalid'],
  },
  {
    name: 'a certificate via a symlink that points outside',
    yaml: certAt('tls/link.pem'),
    topologyDir: 'topo',
    files: PEM_FILE,
    symlinks: { 'tls/link.pem': '../../outside.pem' },
    want: [{ pointer: '/servers/A/certificates/0', at: '4:42' }],
    absent: ['certificate-invalid'],
  },
  {
    name: 'a certificate under a symlinked folder that points outside',
    yaml: certAt('tls/out/outside.pem'),
    topologyDir: 'topo',
    files: PEM_FILE,
    symlinks: { 'tls/out': '../..' },
    want: [{ pointer: '/servers/A/certificates/0', at: '4:42' }],
  },
  {
    name: 'a symlink that stays inside',
    yaml: certAt('tls/link.pem'),
    topologyDir: 'topo',
    symlinks: { 'tls/link.pem': '../inside/target.pem' },
    files: { 'inside/target.pem': fixture('ec-p256.pem') },
    want: [],
    clean: true,
  },
  {
    name: 'allowed with allowOutsideRoot',
    yaml: certAt('../outside.pem'),
    topologyDir: 'topo',
    files: PEM_FILE,
    load: { allowOutsideRoot: true },
    want: [],
  },
  {
    name: 'a public key via ../ (second entry of the mapping)',
    yaml: certAt('certs/A.pem', ', publicKey: ../a.pub'),
    topologyDir: 'topo',
    files: { '../a.pub': '' },
    want: [{ pointer: '/servers/A/publicKey', at: '4:67' }],
  },
  {
    name: 'a password file via ../, even when secrets are not resolved',
    yaml: topo(
      [server('A'), server('B')],
      ['  - parent: A', '    child: B', '    password: {file: ../pw}'],
    ),
    topologyDir: 'topo',
    files: { '../pw': 'secret\n' },
    want: [{ pointer: '/links/0/password/file', at: '9:22' }],
  },
  {
    name: 'a password file via ../ with secrets resolved: not also secret-unresolved',
    yaml: topo(
      [server('A'), server('B')],
      ['  - parent: A', '    child: B', '    password: {file: ../pw}'],
    ),
    topologyDir: 'topo',
    files: { '../pw': 'secret\n' },
    load: { resolveSecrets: true, env: {} },
    want: [{ pointer: '/links/0/password/file', at: '9:22' }],
    absent: ['secret-unresolved'],
  },
]);
