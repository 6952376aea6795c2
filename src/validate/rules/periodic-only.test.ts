import { HEAD } from '../../../test/helpers/topology.js';
import { describeRule, pc, server, topo } from '../../../test/helpers/rule-table.js';
import { periodicOnlyRule } from './periodic-only.js';

const S2 = [server('A'), server('B')];
/** A topology with `defaults:` on lines 3-4: servers start at line 6, the link at line 9. */
const withDefaults = (connection: string, ...extra: string[]) =>
  HEAD +
  [
    'defaults:',
    `  connection: ${connection}`,
    'servers:',
    ...S2,
    'links:',
    ...pc('A', 'B', ...extra),
  ].join('\n') +
  '\n';

describeRule(periodicOnlyRule, [
  {
    name: 'periodic link with a reconnect period',
    yaml: topo(S2, pc('A', 'B', 'connection: periodic', 'reconnectPeriod: 15m')),
    want: [],
    clean: true,
  },
  {
    name: 'permanent link without a reconnect period',
    yaml: topo(S2, pc('A', 'B', 'connection: permanent')),
    want: [],
  },
  {
    name: 'permanent link with a reconnect period',
    yaml: topo(S2, pc('A', 'B', 'connection: permanent', 'reconnectPeriod: 15m')),
    want: [{ pointer: '/links/0/reconnectPeriod', at: '11:22' }],
  },
  {
    name: 'no connection anywhere: permanent by default',
    yaml: topo(S2, pc('A', 'B', 'reconnectPeriod: 1h')),
    want: [{ pointer: '/links/0/reconnectPeriod', at: '10:22' }],
    messages: ['reconnectPeriod has no effect: link A->B uses a permanent connection'],
  },
  {
    name: 'periodic from defaults',
    yaml: withDefaults('periodic', 'reconnectPeriod: 15m'),
    want: [],
    clean: true,
  },
  {
    name: 'permanent from defaults',
    yaml: withDefaults('permanent', 'reconnectPeriod: 15m'),
    want: [{ pointer: '/links/0/reconnectPeriod', at: '12:22' }],
  },
  {
    name: 'the link overrides periodic defaults with permanent',
    yaml: withDefaults('periodic', 'connection: permanent', 'reconnectPeriod: 15m'),
    want: [{ pointer: '/links/0/reconnectPeriod', at: '13:22' }],
  },
  {
    name: 'the link overrides permanent defaults with periodic',
    yaml: withDefaults('permanent', 'reconnectPeriod: 15m', 'connection: periodic'),
    want: [],
  },
]);
