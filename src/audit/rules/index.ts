/** The registry of actual-state rules run by `avnet audit` and `avnet import`. */
import type { StateRule } from '../state-rule.js';
import { certificateMismatchRule } from './certificate-mismatch.js';
import { oneSidedLinkRule } from './one-sided-link.js';
import { passwordMismatchRule } from './password-mismatch.js';
import { peerAddressMissingRule } from './peer-address-missing.js';
import {
  compressionMismatchStateRule,
  duplicateCredentialsStateRule,
  encryptionMismatchStateRule,
  invalidAddressStateRule,
  multipleParentsStateRule,
  peerAddressBothSidesStateRule,
  protocolDisabledStateRule,
} from './shared-with-topology.js';

/** Every rule that runs on actual state. */
export const STATE_RULES: readonly StateRule[] = [
  passwordMismatchRule,
  oneSidedLinkRule,
  certificateMismatchRule,
  peerAddressMissingRule,
  peerAddressBothSidesStateRule,
  duplicateCredentialsStateRule,
  encryptionMismatchStateRule,
  compressionMismatchStateRule,
  protocolDisabledStateRule,
  multipleParentsStateRule,
  invalidAddressStateRule,
];
