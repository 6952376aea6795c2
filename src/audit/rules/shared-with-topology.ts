/** Topology rules that are also meaningful on actual state, checked on neighbor entries. */
import type { Finding, Tri } from '../../model/index.js';
import { parseAddress, policiesConflict } from '../../model/index.js';
import {
  compressionMismatchRule,
  duplicateCredentialsRule,
  encryptionMismatchRule,
  invalidAddressRule,
  multipleParentsRule,
  peerAddressBothSidesRule,
  protocolDisabledRule,
} from '../../validate/rules/index.js';
import { entryPointer, forEachEntryPair, type StateRule } from '../state-rule.js';

/** `peer-address-both-sides` on actual state: both peer entries hold an address. */
export const peerAddressBothSidesStateRule: StateRule = {
  ...peerAddressBothSidesRule,
  checkState({ servers }) {
    const out: Finding[] = [];
    forEachEntryPair(servers, (a, b) => {
      if (
        a.entry.type === 'peer' &&
        b.entry.type === 'peer' &&
        a.entry.address &&
        b.entry.address
      ) {
        out.push({
          rule: this.id,
          severity: this.severity,
          message: `both entries of peer link ${a.server}<->${b.server} hold an address; the servers will log "Link with the same key id is already activated"`,
          pointer: entryPointer(a.index, 'address'),
          server: a.server,
          neighbor: b.server,
        });
      }
    });
    return out;
  },
};

function policyState(
  rule: typeof encryptionMismatchRule,
  field: 'encryption' | 'compression',
): StateRule {
  return {
    ...rule,
    checkState({ servers }) {
      const out: Finding[] = [];
      forEachEntryPair(servers, (a, b) => {
        const va = a.entry[field] as Tri;
        const vb = b.entry[field] as Tri;
        if (policiesConflict(va, vb)) {
          out.push({
            rule: this.id,
            severity: this.severity,
            message: `link ${a.server}<->${b.server} cannot connect: ${a.server} has ${field} ${va} and ${b.server} ${vb}`,
            pointer: entryPointer(a.index, field),
            server: a.server,
            neighbor: b.server,
          });
        }
      });
      return out;
    },
  };
}

/** `encryption-mismatch` on actual state. */
export const encryptionMismatchStateRule = policyState(encryptionMismatchRule, 'encryption');
/** `compression-mismatch` on actual state. */
export const compressionMismatchStateRule = policyState(compressionMismatchRule, 'compression');

/** `duplicate-credentials` on actual state: a server uses one password on several links. */
export const duplicateCredentialsStateRule: StateRule = {
  ...duplicateCredentialsRule,
  checkState({ servers }) {
    const out: Finding[] = [];
    for (const [name, state] of servers) {
      const first = new Map<string, number>();
      state.neighbors.forEach((e, i) => {
        const prev = first.get(e.password);
        if (prev === undefined) {
          first.set(e.password, i);
          return;
        }
        out.push({
          rule: this.id,
          severity: this.severity,
          message: `${name} uses the same password with its certificate for neighbors ${state.neighbors[prev]!.name} and ${e.name}`,
          pointer: entryPointer(i, 'password'),
          server: name,
          neighbor: e.name,
          related: [
            { pointer: entryPointer(prev, 'password'), message: 'first used here', server: name },
          ],
        });
      });
    }
    return out;
  },
};

/** `protocol-disabled` on actual state: a server with neighbor entries has the protocol off. */
export const protocolDisabledStateRule: StateRule = {
  ...protocolDisabledRule,
  checkState({ servers }) {
    const out: Finding[] = [];
    for (const [name, state] of servers) {
      if (state.neighbors.length > 0 && state.protocol === 'disabled') {
        out.push({
          rule: this.id,
          severity: this.severity,
          message: `server ${name} has ${state.neighbors.length} neighbor entries but the Dr.Web Server protocol is disabled`,
          pointer: '/protocol',
          server: name,
        });
      }
    }
    return out;
  },
};

/** `multiple-parents` on actual state. */
export const multipleParentsStateRule: StateRule = {
  ...multipleParentsRule,
  checkState({ servers }) {
    const out: Finding[] = [];
    for (const [name, state] of servers) {
      const parents = state.neighbors
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => e.type === 'parent');
      for (const { e, i } of parents.slice(1)) {
        out.push({
          rule: this.id,
          severity: this.severity,
          message: `${name} is a child of both ${parents[0]!.e.name} and ${e.name}`,
          pointer: entryPointer(i),
          server: name,
          neighbor: e.name,
        });
      }
    }
    return out;
  },
};

/** `invalid-address` on actual state. */
export const invalidAddressStateRule: StateRule = {
  ...invalidAddressRule,
  checkState({ servers }) {
    const out: Finding[] = [];
    for (const [name, state] of servers) {
      state.neighbors.forEach((e, i) => {
        if (e.address && !parseAddress(e.address)) {
          out.push({
            rule: this.id,
            severity: this.severity,
            message: `${name}'s entry for ${e.name} holds an invalid address "${e.address}"`,
            pointer: entryPointer(i, 'address'),
            server: name,
            neighbor: e.name,
          });
        }
      });
    }
    return out;
  },
};
