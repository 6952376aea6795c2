import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEAD, lines, summarize, validateText } from '../../test/helpers/topology.js';
import { checkTopologySchema, rawLinkLabel, serverNameProblems } from './schema-check.js';

/** A topology with servers A and B (lines 4 and 5) and, from line 7, the given link lines. */
const withLink = (...rows: string[]) =>
  HEAD +
  lines(
    'servers:',
    '  A: {address: a.example, certificates: [a.pem]}',
    '  B: {address: b.example, certificates: [b.pem]}',
    'links:',
    ...rows,
  );

type Row = [
  name: string,
  yaml: string,
  rule: 'schema' | 'missing-field',
  pointer: string,
  at: string,
  message: string,
];

const rows: Row[] = [
  ['an empty file', '', 'schema', '', '1:1', 'the file is empty'],
  ['a comment-only file', '# nothing\n', 'schema', '', '1:1', 'the file is empty'],
  [
    'a scalar document',
    'hello\n',
    'schema',
    '',
    '1:1',
    'the topology must be an object, not string "hello"',
  ],
  [
    'an unknown top-level key: at the key',
    HEAD + 'servers: {}\nextra: 1\n',
    'schema',
    '/extra',
    '4:1',
    'unknown key "extra" in the topology',
  ],
  [
    'wrong apiVersion (const)',
    'apiVersion: avnet/v2\nkind: Topology\nservers: {}\n',
    'schema',
    '/apiVersion',
    '1:13',
    'apiVersion must be "avnet/v1" (got "avnet/v2")',
  ],
  [
    'wrong kind (const)',
    'apiVersion: avnet/v1\nkind: Network\nservers: {}\n',
    'schema',
    '/kind',
    '2:7',
    'kind must be "Topology" (got "Network")',
  ],
  [
    'servers as a list',
    HEAD + 'servers: [A, B]\n',
    'schema',
    '/servers',
    '3:10',
    'servers must be an object, not a list',
  ],
  [
    'links as a mapping',
    HEAD + 'servers: {}\nlinks: {a: 1}\n',
    'schema',
    '/links',
    '4:8',
    'links must be an array, not a mapping',
  ],
  [
    'an unknown server key (block): at the key',
    HEAD + 'servers:\n  A:\n    adress: a.example\n',
    'schema',
    '/servers/A/adress',
    '5:5',
    'unknown key "adress" in server "A"',
  ],
  [
    'an unknown server key (flow): at the key',
    HEAD + 'servers:\n  A: {address: a.example, ip: 10.0.0.1}\n',
    'schema',
    '/servers/A/ip',
    '4:27',
    'unknown key "ip" in server "A"',
  ],
  [
    'version as a word (type)',
    HEAD + 'servers:\n  A: {version: eleven}\n',
    'schema',
    '/servers/A/version',
    '4:16',
    'version must be an integer, not string "eleven"',
  ],
  [
    'version 9 (minimum)',
    HEAD + 'servers:\n  A: {version: 9}\n',
    'schema',
    '/servers/A/version',
    '4:16',
    'must be a Dr.Web Server major version from 10 to 13 (got 9)',
  ],
  [
    'version 14 (maximum)',
    HEAD + 'servers:\n  A: {version: 14}\n',
    'schema',
    '/servers/A/version',
    '4:16',
    'from 10 to 13 (got 14)',
  ],
  [
    'version 12.5',
    HEAD + 'servers:\n  A: {version: 12.5}\n',
    'schema',
    '/servers/A/version',
    '4:16',
    'must be an integer, not number 12.5',
  ],
  [
    'encryption maybe (enum)',
    HEAD + 'servers:\n  A: {encryption: maybe}\n',
    'schema',
    '/servers/A/encryption',
    '4:19',
    'encryption must be one of yes, possible, no (got "maybe")',
  ],
  [
    'a YAML boolean is not yes',
    HEAD + 'servers:\n  A: {compression: true}\n',
    'schema',
    '/servers/A/compression',
    '4:20',
    'compression must be one of yes, possible, no (got true)',
  ],
  [
    'protocol off (enum)',
    HEAD + 'servers:\n  A: {protocol: off}\n',
    'schema',
    '/servers/A/protocol',
    '4:17',
    'must be one of enabled, disabled (got "off")',
  ],
  [
    'defaults.connection (enum)',
    HEAD + 'defaults: {connection: sometimes}\nservers: {}\n',
    'schema',
    '/defaults/connection',
    '3:24',
    'connection must be one of permanent, periodic',
  ],
  [
    'an unknown defaults key',
    HEAD + 'defaults: {dial: both}\nservers: {}\n',
    'schema',
    '/defaults/dial',
    '3:12',
    'unknown key "dial" in defaults',
  ],
  [
    'certificates as a string',
    HEAD + 'servers:\n  A: {certificates: certs/a.pem}\n',
    'schema',
    '/servers/A/certificates',
    '4:21',
    'certificates must be an array, not string "certs/a.pem"',
  ],
  [
    'an empty certificate path',
    HEAD + 'servers:\n  A: {certificates: [""]}\n',
    'schema',
    '/servers/A/certificates/0',
    '4:22',
    'certificates[0] must not be empty',
  ],
  [
    'consoleUrl not http(s)',
    HEAD + 'servers:\n  A: {consoleUrl: "ftp://a.example/"}\n',
    'schema',
    '/servers/A/consoleUrl',
    '4:19',
    'consoleUrl must be an http:// or https:// URL',
  ],
  [
    'address as a number',
    HEAD + 'servers:\n  A: {address: 2193}\n',
    'schema',
    '/servers/A/address',
    '4:16',
    'address must be a string, not number 2193',
  ],
  [
    'a key with no value: at the key',
    HEAD + 'servers:\n  A:\n    address:\n',
    'schema',
    '/servers/A/address',
    '5:5',
    'address must be a string, not null',
  ],
  [
    'a server that is not a mapping',
    HEAD + 'servers:\n  A: main.example\n',
    'schema',
    '/servers/A',
    '4:6',
    'server "A" must be an object, not string "main.example"',
  ],
  [
    'a duration without unit',
    withLink('  - {parent: A, child: B, password: {env: P}, reconnectPeriod: "15"}'),
    'schema',
    '/links/0/reconnectPeriod',
    '7:64',
    'must be a duration',
  ],
  [
    'licenses.validity as 30 days',
    withLink(
      '  - parent: A',
      '    child: B',
      '    password: {env: P}',
      '    licenses: {validity: 30 days}',
    ),
    'schema',
    '/links/0/licenses/validity',
    '10:26',
    'validity must be a duration',
  ],
  [
    'an unknown key on a parent/child link',
    withLink('  - parent: A', '    child: B', '    password: {env: P}', '    dial: A'),
    'schema',
    '/links/0/dial',
    '10:5',
    'unknown key "dial" in link A->B ("dial" belongs to peer links)',
  ],
  [
    'an unknown key on a peer link',
    withLink(
      '  - peers: [A, B]',
      '    password: {env: P}',
      '    flows: {updates: both}',
      '    address: a.example',
    ),
    'schema',
    '/links/0/address',
    '10:5',
    'unknown key "address" in link A<->B ("address" belongs to parent/child links)',
  ],
  [
    'an unknown flow kind',
    withLink(
      '  - peers: [A, B]',
      '    password: {env: P}',
      '    flows: {updates: both, alerts: both}',
    ),
    'schema',
    '/links/0/flows/alerts',
    '9:28',
    'unknown key "alerts" in flows',
  ],
  [
    'three peers',
    withLink('  - peers: [A, B, C]', '    password: {env: P}', '    flows: {updates: both}'),
    'schema',
    '/links/0/peers',
    '7:12',
    'peers must name exactly two servers',
  ],
  [
    'notify listing a server twice',
    withLink('  - parent: A', '    child: B', '    password: {env: P}', '    notify: [A, A]'),
    'schema',
    '/links/0/notify',
    '10:13',
    'notify must not list the same value twice',
  ],
  [
    'a link that is not a mapping',
    withLink('  - A->B'),
    'schema',
    '/links/0',
    '7:5',
    'link #1 must be an object, not string "A->B"',
  ],
  [
    'a restriction window that is not a string',
    withLink(
      '  - parent: A',
      '    child: B',
      '    password: {env: P}',
      '    restrictions: {updates: [930]}',
    ),
    'schema',
    '/links/0/restrictions/updates/0',
    '10:30',
    'updates[0] must be a string',
  ],
  [
    'a misspelt server key: the nearest allowed key',
    HEAD + 'servers:\n  A: {adress: a.example}\n',
    'schema',
    '/servers/A/adress',
    '4:7',
    'unknown key "adress" in server "A" (did you mean "address"?)',
  ],
  [
    'a misspelt top-level key',
    HEAD + 'servers: {}\nlnks: []\n',
    'schema',
    '/lnks',
    '4:1',
    'unknown key "lnks" in the topology (did you mean "links"?)',
  ],
  [
    'a misspelt defaults key',
    HEAD + 'defaults: {encription: yes}\nservers: {}\n',
    'schema',
    '/defaults/encription',
    '3:12',
    'unknown key "encription" in defaults (did you mean "encryption"?)',
  ],
  [
    'a misspelt link key',
    withLink('  - parent: A', '    child: B', '    password: {env: P}', '    conection: periodic'),
    'schema',
    '/links/0/conection',
    '10:5',
    'unknown key "conection" in link A->B (did you mean "connection"?)',
  ],
  [
    'a misspelt peer link key',
    withLink(
      '  - peers: [A, B]',
      '    password: {env: P}',
      '    flows: {updates: both}',
      '    dail: A',
    ),
    'schema',
    '/links/0/dail',
    '10:5',
    'unknown key "dail" in link A<->B (did you mean "dial"?)',
  ],
  [
    'a misspelt licenses key',
    withLink(
      '  - parent: A',
      '    child: B',
      '    password: {env: P}',
      '    licenses: {validty: 30d}',
    ),
    'schema',
    '/links/0/licenses/validty',
    '10:16',
    'unknown key "validty" in licenses (did you mean "validity"?)',
  ],
  [
    'a misspelt restrictions key',
    withLink(
      '  - parent: A',
      '    child: B',
      '    password: {env: P}',
      '    restrictions: {update: ["daily 00:00-01:00"]}',
    ),
    'schema',
    '/links/0/restrictions/update',
    '10:20',
    'unknown key "update" in restrictions (did you mean "updates"?)',
  ],
  [
    'a misspelt flow kind',
    withLink(
      '  - peers: [A, B]',
      '    password: {env: P}',
      '    flows: {updates: both, event: none}',
    ),
    'schema',
    '/links/0/flows/event',
    '9:28',
    'unknown key "event" in flows (did you mean "events"?)',
  ],
  [
    'a misspelt secret reference: at the password, never echoing the key',
    withLink('  - parent: A', '    child: B', '    password: {enf: P}'),
    'schema',
    '/links/0/password',
    '9:15',
    'password has an unknown key: it must be { env: NAME } or { file: path } (did you mean "env"?)',
  ],
  [
    'a missing password names the link by its ends',
    withLink('  - parent: A', '    child: B'),
    'missing-field',
    '/links/0',
    '7:5',
    'link A->B is missing required field "password"',
  ],
  [
    'a peer link without flows names the link by its ends',
    withLink('  - peers: [A, B]', '    password: {env: P}'),
    'missing-field',
    '/links/0',
    '7:5',
    'link A<->B is missing required field "flows"',
  ],
  [
    'a missing child',
    withLink('  - parent: A', '    password: {env: P}'),
    'missing-field',
    '/links/0',
    '7:5',
    'link #1 (parent A) is missing required field "child"',
  ],
];

describe('schema mapping: rule id, pointer, position and message', () => {
  it.each(rows)('%s', async (_name, yaml, rule, pointer, at, message) => {
    const { diagnostics } = await validateText(yaml);
    const loader = diagnostics.filter((d) => d.rule === 'schema' || d.rule === 'missing-field');
    expect(summarize(loader)).toEqual([{ rule, severity: 'error', pointer, at }]);
    expect(loader[0]!.message).toContain(message);
  });
});

describe('server names are map keys: checked and reported at the key', () => {
  const name = (key: string, extra = '') =>
    HEAD + `servers:\n  ${key}: {address: a.example}\n${extra}`;
  const RULES =
    'names are 1 to 64 characters, with no control characters and no space at either end';
  it.each([
    ['a leading space', '" A"', ' A', 'server name " A" starts with a space'],
    ['a trailing space', '"A "', 'A ', 'server name "A " ends with a space'],
    [
      'a leading no-break space',
      '"\\u00A0A"',
      '\u00a0A',
      'server name "⟨U+00A0⟩A" starts with U+00A0 (no-break space)',
    ],
    [
      'a trailing line separator',
      '"A\\u2028"',
      'A\u2028',
      'server name "A⟨U+2028⟩" ends with U+2028 (line separator)',
    ],
    [
      'a tab inside',
      '"A\\tB"',
      'A\tB',
      'server name "A⟨U+0009⟩B" contains the control character U+0009',
    ],
    [
      'a control character',
      '"A\\u0001"',
      'A\u0001',
      'server name "A⟨U+0001⟩" contains the control character U+0001',
    ],
    ['DEL', '"A\\x7f"', 'A\u007f', 'contains the control character U+007F'],
    ['a C1 control (NEL)', '"A\\u0085B"', 'A\u0085B', 'contains the control character U+0085'],
    ['a C1 control (CSI)', '"A\\u009B"', 'A\u009b', 'contains the control character U+009B'],
    ['an empty name', '""', '', 'server name "" is empty'],
    [
      '65 characters',
      'N'.repeat(65),
      'N'.repeat(65),
      `server name "${'N'.repeat(32)}…" is 65 characters long`,
    ],
    [
      '65 characters outside the BMP (each one character, two UTF-16 units)',
      '𝐍'.repeat(65),
      '𝐍'.repeat(65),
      'is 65 characters long',
    ],
    [
      'several problems at once',
      '" A\\u0001"',
      ' A\u0001',
      'server name " A⟨U+0001⟩" starts with a space and contains the control character U+0001',
    ],
  ])('%s', async (_what, key, parsed, message) => {
    const { diagnostics } = await validateText(name(key));
    expect(summarize(diagnostics.filter((d) => d.rule === 'schema'))).toEqual([
      { rule: 'schema', severity: 'error', pointer: `/servers/${parsed}`, at: '4:3' },
    ]);
    const d = diagnostics.find((x) => x.rule === 'schema')!;
    expect(d.message).toContain(message);
    expect(d.message).toContain(RULES);
  });

  it.each([
    ['64 characters', 'N'.repeat(64)],
    ['64 characters outside the BMP', '𝐍'.repeat(64)],
    ['inner spaces and punctuation', '"Main office / HQ-1"'],
    ['non-ASCII letters', 'Сервер-Ω'],
    ['a number-like key', '"2193"'],
  ])('accepts %s', async (_what, key) => {
    const { diagnostics } = await validateText(name(key));
    expect(diagnostics).toEqual([]);
  });

  it('a duplicate server name is a YAML duplicate key', async () => {
    const { diagnostics } = await validateText(name('A', '  A: {address: b.example}\n'));
    expect(summarize(diagnostics)).toEqual([
      { rule: 'yaml-syntax', severity: 'error', pointer: '', at: '5:3' },
    ]);
  });
});

describe('malformed inline passwords never appear in messages', () => {
  const SECRET = 'Hunter2-Sekret';
  it.each([
    [
      'a list',
      `[${SECRET}]`,
      '/links/0/password',
      'password must be a string, { env: NAME } or { file: path }, not a list',
    ],
    [
      'a number',
      '918273645',
      '/links/0/password',
      'password must be a string, { env: NAME } or { file: path }, not number',
    ],
    ['an empty string', '""', '/links/0/password', 'password is not a valid secret'],
    [
      'an env name with spaces',
      `{env: "${SECRET} x"}`,
      '/links/0/password/env',
      'env is not a valid secret',
    ],
    [
      'an unknown key holding the secret',
      `{value: ${SECRET}}`,
      '/links/0/password',
      'password has an unknown key: it must be { env: NAME } or { file: path }',
    ],
    [
      'the secret itself as a key (a flow mapping with no value)',
      `{${SECRET}}`,
      '/links/0/password',
      'password has an unknown key: it must be { env: NAME } or { file: path }',
    ],
    [
      'the secret as a key, with a value',
      `{${SECRET}: x}`,
      '/links/0/password',
      'password has an unknown key',
    ],
    [
      'env and file together',
      `{env: P, file: ${SECRET}}`,
      '/links/0/password',
      'password is not a valid secret',
    ],
    [
      'a nested mapping',
      `{env: {name: ${SECRET}}}`,
      '/links/0/password/env',
      'env must be a string',
    ],
    ['a boolean', 'true', '/links/0/password', 'not boolean'],
  ])('%s', async (_what, value, pointer, message) => {
    const yaml = withLink('  - parent: A', '    child: B', `    password: ${value}`);
    const { diagnostics } = await validateText(yaml);
    const schema = diagnostics.filter((d) => d.rule === 'schema');
    expect(schema.length).toBeGreaterThan(0);
    expect(schema.map((d) => d.pointer)).toContain(pointer);
    expect(schema.find((d) => d.pointer === pointer)!.message).toContain(message);
    const everything = JSON.stringify(diagnostics);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('918273645');
  });
});

describe('checkTopologySchema on plain data', () => {
  it('accepts the documented example shape', () => {
    expect(
      checkTopologySchema({
        apiVersion: 'avnet/v1',
        kind: 'Topology',
        name: 'corp-av',
        defaults: { encryption: 'possible', compression: 'possible', connection: 'permanent' },
        servers: {
          MAIN: { address: 'main.corp.example', version: 13, certificates: ['certs/main.pem'] },
          AUX: { address: 'aux.corp.example:2193', certificates: ['certs/aux.pem'] },
        },
        links: [
          {
            parent: 'MAIN',
            child: 'AUX',
            password: { env: 'AVNET_MAIN_AUX' },
            address: '10.0.0.5:2193',
            connection: 'periodic',
            reconnectPeriod: '15m',
            licenses: { validity: '30d', renewBefore: '7d', syncPeriod: '1h' },
            notify: ['MAIN'],
            restrictions: { updates: ['mon-fri 09:00-18:00'], events: ['sat-sun 00:00-24:00'] },
          },
          {
            peers: ['EAST', 'WEST'],
            password: { file: 'secrets/east-west' },
            dial: 'EAST',
            flows: { updates: 'EAST->WEST', events: 'both', licenses: 'none' },
          },
        ],
      }),
    ).toEqual([]);
  });

  it('reports each problem once', () => {
    const findings = checkTopologySchema({
      apiVersion: 'avnet/v1',
      kind: 'Topology',
      servers: { A: { version: 'x', protocol: 'off' } },
    });
    expect(findings.map((f) => `${f.rule} ${f.pointer}`).sort()).toEqual([
      'schema /servers/A/protocol',
      'schema /servers/A/version',
    ]);
  });
});

describe('serverNameProblems agrees with the schema', () => {
  const rejected = (name: string) =>
    checkTopologySchema({ apiVersion: 'avnet/v1', kind: 'Topology', servers: { [name]: {} } })
      .length > 0;
  const unit = fc.oneof(
    fc.constantFrom('A', ' ', '\t', '\n', '\u0001', '\u007f', '\u0085', '\u009f', '\u00a0'),
    fc.constantFrom('\u2028', '\ufeff', '\u200b', '\u202e', '𝐍', 'Ж'),
  );
  it('a name has problems exactly when the schema rejects it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit, maxLength: 6 }),
          fc.string({ unit, minLength: 60, maxLength: 70 }),
        ),
        (name) => {
          expect(serverNameProblems(name).length > 0).toBe(rejected(name));
        },
      ),
    );
  });
});

describe('rawLinkLabel', () => {
  const data = (link: unknown) => ({ links: [link] });
  it.each([
    [{ parent: 'A', child: 'B' }, 'A->B'],
    [{ peers: ['E', 'W'] }, 'E<->W'],
    [{ parent: 'A' }, '#1 (parent A)'],
    [{ child: 'B' }, '#1 (child B)'],
    [{ peers: ['E'] }, '#1'],
    ['A->B', '#1'],
    [{ parent: 'A\u202e', child: 'B' }, 'A⟨U+202E⟩->B'],
  ])('%j is %s', (link, label) => {
    expect(rawLinkLabel(data(link), 0)).toBe(label);
  });
});
