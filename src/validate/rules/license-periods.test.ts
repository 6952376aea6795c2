import { describeRule, pc, peers, server, topo } from '../../../test/helpers/rule-table.js';
import { licensePeriodsRule } from './license-periods.js';

const S2 = [server('A'), server('B')];
/** A parent/child link whose `licenses:` block starts at line 10 (values at 11, 12, 13). */
const lic = (...rows: string[]) =>
  topo(S2, pc('A', 'B', 'licenses:', ...rows.map((r) => `  ${r}`)));

// Value columns: `      validity: ` 17, `      renewBefore: ` 20, `      syncPeriod: ` 19.
describeRule(licensePeriodsRule, [
  {
    name: 'renewBefore shorter than validity',
    yaml: lic('validity: 30d', 'renewBefore: 7d', 'syncPeriod: 1h'),
    want: [],
    clean: true,
  },
  { name: 'renewBefore alone', yaml: lic('renewBefore: 7d'), want: [] },
  {
    name: 'units are compared as durations (24h < 2d)',
    yaml: lic('validity: 2d', 'renewBefore: 24h'),
    want: [],
  },
  {
    name: 'validity zero',
    yaml: lic('validity: 0d'),
    want: [{ pointer: '/links/0/licenses/validity', at: '11:17' }],
    messages: ['validity of link A->B is zero'],
  },
  {
    name: 'syncPeriod zero in seconds',
    yaml: lic('validity: 30d', 'syncPeriod: 0s'),
    want: [{ pointer: '/links/0/licenses/syncPeriod', at: '12:19' }],
  },
  {
    name: 'renewBefore zero',
    yaml: lic('renewBefore: 0m', 'validity: 1d'),
    want: [{ pointer: '/links/0/licenses/renewBefore', at: '11:20' }],
  },
  {
    name: 'renewBefore equal to validity',
    yaml: lic('validity: 7d', 'renewBefore: 7d'),
    want: [{ pointer: '/links/0/licenses/renewBefore', at: '12:20', related: ['11:17'] }],
    messages: ['renewBefore 7d of link A->B is not shorter than validity 7d'],
  },
  {
    name: 'renewBefore equal to validity in other units (1w = 7d)',
    yaml: lic('renewBefore: 1w', 'validity: 7d'),
    want: [{ pointer: '/links/0/licenses/renewBefore', at: '11:20', related: ['12:17'] }],
  },
  {
    name: 'renewBefore longer than validity',
    yaml: lic('validity: 168h', 'renewBefore: 30d'),
    want: [{ pointer: '/links/0/licenses/renewBefore', at: '12:20', related: ['11:17'] }],
  },
  {
    name: 'validity zero is reported once, not also as shorter than renewBefore',
    yaml: lic('validity: 0d', 'renewBefore: 1d'),
    want: [{ pointer: '/links/0/licenses/validity', at: '11:17' }],
  },
  {
    name: 'on a peer link, flow style',
    yaml: topo(S2, peers('A', 'B', 'licenses: A->B', 'licenses: {validity: 1d, renewBefore: 2d}')),
    want: [{ pointer: '/links/0/licenses/renewBefore', at: '10:43', related: ['10:26'] }],
  },
]);
