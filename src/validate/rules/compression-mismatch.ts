/** `compression-mismatch`: one side's effective compression is `yes`, the other's `no`. */
import type { TopologyRule } from '../rule.js';
import { policyConflicts } from './policy-conflicts.js';

/** Links that cannot connect because one side requires compression and the other refuses it. */
export const compressionMismatchRule: TopologyRule = {
  id: 'compression-mismatch',
  severity: 'error',
  scope: 'topology+actual-state',
  summary: "The two sides' effective compression is `yes` and `no`.",
  description:
    "Each side's compression is the link's value, else the server's own policy, else `defaults`, else `possible`. `yes` on one side with `no` on the other fails the link; otherwise the link is compressed unless one side says `no`. Set `compression` on the link to override both servers.",
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example, compression: yes}\n  AUX: {address: aux.example, compression: no}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}}\n',
    fixed:
      'servers:\n  MAIN: {address: main.example, compression: yes}\n  AUX: {address: aux.example, compression: no}\nlinks:\n  - {parent: MAIN, child: AUX, password: {env: P}, compression: possible}\n',
  },
  check({ topology }) {
    return policyConflicts(this, topology, 'compression');
  },
};
