import { entry, linked, server, states } from '../../../test/helpers/state.js';
import { describeStateRule } from '../../../test/helpers/state-table.js';
import { passwordMismatchRule } from './password-mismatch.js';

const [mainForAux, auxForMain] = linked('MAIN', 'AUX', 'child');

describeStateRule(passwordMismatchRule, [
  {
    name: 'the same password on both sides',
    servers: states(server('MAIN', [mainForAux]), server('AUX', [auxForMain])),
    want: [],
  },
  {
    name: 'different passwords: reported once, on the server named first',
    servers: states(
      server('MAIN', [{ ...mainForAux, password: 'Pw-main-1' }]),
      server('AUX', [{ ...auxForMain, password: 'Pw-aux-2' }]),
    ),
    want: ['AUX→MAIN /neighbors/0/password [related: MAIN /neighbors/0/password]'],
    messages: [/^AUX and MAIN hold different passwords for their link$/],
  },
  {
    name: 'the mirrored entry at another index',
    servers: states(
      server('A', [entry('B', 'peer', { password: 'one', address: 'b.example' })]),
      server('B', [entry('C', 'child'), entry('A', 'peer', { password: 'two' })]),
      server('C', [entry('B', 'parent', { address: 'b.example' })]),
    ),
    want: ['A→B /neighbors/0/password [related: B /neighbors/1/password]'],
  },
  {
    name: 'a one-sided entry is not compared',
    servers: states(server('MAIN', [{ ...mainForAux, password: 'x' }]), server('AUX', [])),
    want: [],
  },
  {
    name: 'an empty password against a set one',
    servers: states(server('MAIN', [{ ...mainForAux, password: '' }]), server('AUX', [auxForMain])),
    want: ['AUX→MAIN /neighbors/0/password [related: MAIN /neighbors/0/password]'],
  },
  {
    name: 'the message never contains a password',
    servers: states(
      server('MAIN', [{ ...mainForAux, password: 'Kq1-unique' }]),
      server('AUX', [{ ...auxForMain, password: 'Kq2-unique' }]),
    ),
    want: ['AUX→MAIN /neighbors/0/password [related: MAIN /neighbors/0/password]'],
    messages: [/^(?!.*Kq[12]-unique)/],
  },
]);
