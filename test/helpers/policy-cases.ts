/** The rule table shared by encryption-mismatch and compression-mismatch, for one field. */
import { HEAD } from './topology.js';
import { pc, peers, server, topo, type RuleCase } from './rule-table.js';

/**
 * Cases for one field. Server policies sit at the end of the server line, so their value column
 * is 56 + the length of `field: `; the link starts at line 7 (two servers).
 */
export function policyCases(field: 'encryption' | 'compression'): RuleCase[] {
  const col = 56 + field.length + 2;
  const s = (name: string, v?: string) => server(name, v ? `${field}: ${v}` : '');
  const link = (a?: string, b?: string, ...extra: string[]) =>
    topo([s('A', a), s('B', b)], pc('A', 'B', ...extra));
  /** `defaults:` at line 3 (value at 4:4+len), servers at 6 and 7, the link at line 9. */
  const withDefaults = (d: string, a?: string, b?: string, ...extra: string[]) =>
    HEAD +
    [
      'defaults:',
      `  ${field}: ${d}`,
      'servers:',
      s('A', a),
      s('B', b),
      'links:',
      ...pc('A', 'B', ...extra),
    ].join('\n') +
    '\n';
  const dcol = 2 + field.length + 3;
  return [
    { name: 'nothing set: possible on both sides', yaml: link(), want: [], clean: true },
    {
      name: 'yes and possible are compatible',
      yaml: link('yes', 'possible'),
      want: [],
      clean: true,
    },
    { name: 'no and possible are compatible', yaml: link('possible', 'no'), want: [] },
    { name: 'yes and yes', yaml: link('yes', 'yes'), want: [] },
    { name: 'no and no', yaml: link('no', 'no'), want: [] },
    {
      name: 'server yes against server no',
      yaml: link('yes', 'no'),
      want: [{ pointer: '/links/0', at: '7:5', related: [`4:${col}`, `5:${col}`] }],
      messages: [`link A->B cannot connect: A requires ${field} yes and B no`],
    },
    {
      name: 'server no against server yes on a peer link',
      yaml: topo([s('A', 'no'), s('B', 'yes')], peers('A', 'B')),
      want: [{ pointer: '/links/0', at: '7:5', related: [`4:${col}`, `5:${col}`] }],
    },
    {
      name: 'the link value overrides both servers (possible)',
      yaml: link('yes', 'no', `${field}: possible`),
      want: [],
    },
    {
      name: 'the link value overrides both servers (yes)',
      yaml: link('yes', 'no', `${field}: yes`),
      want: [],
    },
    {
      name: 'defaults no against server yes',
      yaml: withDefaults('no', 'yes'),
      want: [{ pointer: '/links/0', at: '9:5', related: [`6:${col}`, `4:${dcol}`] }],
      messages: [`A requires ${field} yes and B no`],
    },
    {
      name: 'defaults yes against server no',
      yaml: withDefaults('yes', undefined, 'no'),
      want: [{ pointer: '/links/0', at: '9:5', related: [`4:${dcol}`, `7:${col}`] }],
    },
    { name: 'defaults yes alone', yaml: withDefaults('yes'), want: [] },
    {
      name: 'the server policy overrides defaults',
      yaml: withDefaults('no', 'yes', 'possible'),
      want: [],
    },
    {
      name: 'the link overrides defaults and servers',
      yaml: withDefaults('no', 'yes', undefined, `${field}: possible`),
      want: [],
    },
  ];
}
