import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { Workspace } from '../../../test/helpers/topology.js';
import { weakSecretRule } from './weak-secret.js';

const S = [server('MAIN'), server('AUXILIARY'), server('BRANCH-01')];
/** MAIN->AUXILIARY with password {env: P_MAIN_AUXILIARY} at 10:15. */
const envLink = topo(S, pc('MAIN', 'AUXILIARY'));
const inline = (pw: string) =>
  topo(S, ['  - parent: MAIN', '    child: AUXILIARY', `    password: "${pw}"`]);
const resolved = (value: string) => ({
  load: { resolveSecrets: true, env: { P_MAIN_AUXILIARY: value } },
});
const AT = { pointer: '/links/0/password', at: '10:15' };

/** A message must never hold the password, in any case. */
const without = (pw: string) => new RegExp(`^(?!.*${pw.replace(/[-]/g, '\\-')}).*$`, 'i');

describeRule(weakSecretRule, [
  {
    name: 'a long random password',
    yaml: envLink,
    ...resolved('k3J9-vQ2x-Lm8t-Wr5z'),
    want: [],
    clean: true,
  },
  {
    name: 'env secrets are not judged when they are not resolved (plain validate)',
    yaml: envLink,
    want: [],
    clean: true,
  },
  {
    name: 'a short env password, once resolved',
    yaml: envLink,
    ...resolved('Zq8x'),
    want: [AT],
    messages: [
      'password of link MAIN->AUXILIARY is shorter than 8 characters: avnet masks a password wherever its value appears in output',
    ],
  },
  {
    name: 'seven characters are short, eight are not',
    yaml: envLink,
    ...resolved('Zq8x-7y'),
    want: [AT],
  },
  {
    name: 'eight characters',
    yaml: envLink,
    ...resolved('Zq8x-7yW'),
    want: [],
  },
  {
    name: 'a password that is the name of an end of the link: the link is not named',
    yaml: envLink,
    ...resolved('AUXILIARY'),
    want: [AT],
    messages: [/^the password of this link is the name of a server: /],
  },
  {
    name: 'compared case-insensitively, and the message never holds it in any case',
    yaml: envLink,
    ...resolved('auxiliary'),
    want: [AT],
    messages: [without('auxiliary')],
  },
  {
    name: 'the name of a server elsewhere in the network: the link is named',
    yaml: envLink,
    ...resolved('branch-01'),
    want: [AT],
    messages: [/^password of link MAIN->AUXILIARY is the name of a server: /],
  },
  {
    name: "part of the name of one of the link's servers",
    yaml: envLink,
    ...resolved('AUXILIAR'),
    want: [AT],
    messages: [/^the password of this link is part of the name of a server: /],
  },
  {
    name: "part of another server's name is not looked for (linear in the network's size)",
    yaml: envLink,
    ...resolved('BRANCH-0'),
    want: [],
  },
  {
    name: 'the network name',
    yaml: envLink.replace('kind: Topology\n', 'kind: Topology\nname: corp-av-net\n'),
    ...resolved('CORP-AV-NET'),
    want: [{ pointer: '/links/0/password', at: '11:15' }],
    messages: ['is the name of the network'],
  },
  {
    name: 'a word avnet prints in plans, which the message itself then avoids',
    yaml: envLink,
    ...resolved('password'),
    want: [AT],
    messages: [/^weak link secret: use a long random one$/],
  },
  {
    name: 'short and a server name: both reasons',
    yaml: envLink,
    ...resolved('main'),
    want: [AT],
    messages: [
      /^the password of this link is shorter than 8 characters and is the name of a server: /,
    ],
  },
  {
    name: 'inline passwords are always checked',
    yaml: inline('Zq8x'),
    want: [AT],
  },
  {
    name: 'a file secret, once resolved',
    yaml: topo(S, [
      '  - parent: MAIN',
      '    child: AUXILIARY',
      '    password: {file: secrets/m-a}',
    ]),
    files: { 'secrets/m-a': 'AUXILIARY\n' },
    load: { resolveSecrets: true, env: {} },
    want: [AT],
  },
  {
    name: 'each link on its own',
    yaml: topo(S, [
      ...pc('MAIN', 'AUXILIARY'),
      '  - parent: MAIN',
      '    child: BRANCH-01',
      '    password: {env: P2}',
    ]),
    load: { resolveSecrets: true, env: { P_MAIN_AUXILIARY: 'k3J9-vQ2x-Lm8t', P2: 'x' } },
    want: [{ pointer: '/links/1/password', at: '13:15' }],
  },
]);

describe('weak-secret never prints the password', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.create();
  });
  afterAll(async () => {
    await ws.cleanup();
  });
  it.each([
    ['a server name', 'AUXILIARY'],
    ['a short one', 'Zq8x'],
    ['a printed word', 'encryption'],
    ['part of a name', 'AUXILIAR'],
  ])('%s: not in any diagnostic', async (_what, pw) => {
    const run = await ws.run(envLink, resolved(pw));
    const text = JSON.stringify(run.diagnostics.filter((d) => d.rule === 'weak-secret'));
    expect(text).toContain('weak');
    expect(text.toLowerCase()).not.toContain(pw.toLowerCase());
  });
});
