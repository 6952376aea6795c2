import { entry, linked, server, states } from '../../../test/helpers/state.js';
import { describeStateRule } from '../../../test/helpers/state-table.js';
import { oneSidedLinkRule } from './one-sided-link.js';

const [aForB, bForA] = linked('A', 'B', 'child');
const [aPeerB, bPeerA] = linked('A', 'B', 'peer');

describeStateRule(oneSidedLinkRule, [
  {
    name: 'parent/child mirrored',
    servers: states(server('A', [aForB]), server('B', [bForA])),
    want: [],
  },
  {
    name: 'peers mirrored',
    servers: states(server('A', [aPeerB]), server('B', [bPeerA])),
    want: [],
  },
  { name: 'no entries at all', servers: states(server('A', []), server('B', [])), want: [] },
  {
    name: 'the other side has no entry',
    servers: states(server('A', [aForB]), server('B', [])),
    want: ['A→B /neighbors/0'],
    messages: ['A has a child entry for B, but B has no entry for A'],
  },
  {
    name: 'only the child side has an entry',
    servers: states(server('A', []), server('B', [entry('C', 'peer'), bForA])),
    want: ['B→C /neighbors/0', 'B→A /neighbors/1'],
    messages: ['which is not a known server', 'but A has no entry for B'],
  },
  {
    name: 'an entry for a server the backend does not know',
    servers: states(server('A', [entry('GHOST', 'parent')])),
    want: ['A→GHOST /neighbors/0'],
  },
  {
    name: 'an entry for a server whose state could not be read is not judged',
    servers: states(server('A', [aForB, entry('GHOST', 'parent')])),
    unreadable: ['B'],
    want: ['A→GHOST /neighbors/1'],
  },
  {
    name: 'child against child: types do not mirror, reported once',
    servers: states(server('A', [aForB]), server('B', [{ ...bForA, type: 'child' }])),
    want: ['A→B /neighbors/0/type [related: B /neighbors/0/type]'],
    messages: ['A sees B as child but B sees A as child; expected parent'],
  },
  {
    name: 'peer against parent',
    servers: states(
      server('A', [entry('X', 'child'), aPeerB]),
      server('B', [{ ...bPeerA, type: 'parent' }]),
      server('X', [entry('A', 'parent')]),
    ),
    want: ['A→B /neighbors/1/type [related: B /neighbors/0/type]'],
  },
]);
