/** `encryption-mismatch`: one side's effective encryption is `yes`, the other's `no`. */
import type { TopologyRule } from '../rule.js';
import { policyConflicts } from './policy-conflicts.js';

/** Links that cannot connect because one side requires encryption and the other refuses it. */
export const encryptionMismatchRule: TopologyRule = {
  id: 'encryption-mismatch',
  severity: 'error',
  scope: 'topology+actual-state',
  summary: "The two sides' effective encryption is `yes` and `no`.",
  description:
    "Each side's encryption is the link's value, else the server's own policy, else `defaults`, else `possible`. `yes` on one side with `no` on the other fails the link; otherwise the link is encrypted unless one side says `no`. Set `encryption` on the link to override both servers.",
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, encryption: yes}\n  AUX: {address: aux.example, encryption: no}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}}\n',
    fixed:
      'servers:\n  MAIN: {address: main.example, encryption: yes}\n  AUX: {address: aux.example, encryption: no}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}, encryption: possible}\n',
  },
  check({ topology }) {
    return policyConflicts(this, topology, 'encryption');
  },
};
