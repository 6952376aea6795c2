/** The registry of topology rules: every rule avnet runs on a topology file, in one list. */
import type { RuleDoc, TopologyRule } from '../rule.js';
import { certificateInvalidRule } from './certificate-invalid.js';
import { certificateExpiredRule } from './certificate-expired.js';
import { certificateExpiringRule } from './certificate-expiring.js';
import { certificateNotYetValidRule } from './certificate-not-yet-valid.js';
import { compressionMismatchRule } from './compression-mismatch.js';
import { confusableNameRule } from './confusable-name.js';
import { duplicateAddressRule } from './duplicate-address.js';
import { duplicateCredentialsRule } from './duplicate-credentials.js';
import { duplicateLinkRule } from './duplicate-link.js';
import { encryptionMismatchRule } from './encryption-mismatch.js';
import { fixedFlowsRule } from './fixed-flows.js';
import { flowDirectionRule } from './flow-direction.js';
import { hierarchyCycleRule } from './hierarchy-cycle.js';
import { invalidAddressRule } from './invalid-address.js';
import { invisibleCharacterRule } from './invisible-character.js';
import { invalidScheduleRule } from './invalid-schedule.js';
import { licensePeriodsRule } from './license-periods.js';
import { missingFieldRule } from './missing-field.js';
import { multipleParentsRule } from './multiple-parents.js';
import { noDataflowRule } from './no-dataflow.js';
import { notificationsWithoutEventsRule } from './notifications-without-events.js';
import { pathOutsideRootRule } from './path-outside-root.js';
import { peerAddressBothSidesRule } from './peer-address-both-sides.js';
import { periodicOnlyRule } from './periodic-only.js';
import { plaintextSecretRule } from './plaintext-secret.js';
import { protocolDisabledRule } from './protocol-disabled.js';
import { schemaDoc } from './schema.js';
import { secretUnresolvedDoc } from './secret-unresolved.js';
import { selfLinkRule } from './self-link.js';
import { sharedCertificateRule } from './shared-certificate.js';
import { unknownServerRule } from './unknown-server.js';
import { updateCycleRule } from './update-cycle.js';
import { versionInteropRule } from './version-interop.js';
import { weakSecretRule } from './weak-secret.js';
import { yamlSyntaxDoc } from './yaml-syntax.js';

/** Every rule that checks a topology file. */
export const TOPOLOGY_RULES: readonly TopologyRule[] = [
  flowDirectionRule,
  missingFieldRule,
  unknownServerRule,
  selfLinkRule,
  duplicateLinkRule,
  duplicateAddressRule,
  duplicateCredentialsRule,
  sharedCertificateRule,
  peerAddressBothSidesRule,
  hierarchyCycleRule,
  multipleParentsRule,
  noDataflowRule,
  fixedFlowsRule,
  notificationsWithoutEventsRule,
  encryptionMismatchRule,
  compressionMismatchRule,
  certificateInvalidRule,
  certificateExpiredRule,
  certificateNotYetValidRule,
  certificateExpiringRule,
  versionInteropRule,
  licensePeriodsRule,
  periodicOnlyRule,
  invalidScheduleRule,
  invalidAddressRule,
  plaintextSecretRule,
  protocolDisabledRule,
  updateCycleRule,
  pathOutsideRootRule,
  invisibleCharacterRule,
  confusableNameRule,
  weakSecretRule,
];

/** Documentation of the rules the loader reports. */
export const LOADER_RULE_DOCS: readonly RuleDoc[] = [yamlSyntaxDoc, schemaDoc, secretUnresolvedDoc];

export {
  certificateInvalidRule,
  certificateExpiredRule,
  certificateExpiringRule,
  certificateNotYetValidRule,
  compressionMismatchRule,
  confusableNameRule,
  duplicateAddressRule,
  duplicateCredentialsRule,
  duplicateLinkRule,
  encryptionMismatchRule,
  fixedFlowsRule,
  flowDirectionRule,
  hierarchyCycleRule,
  invalidAddressRule,
  invalidScheduleRule,
  invisibleCharacterRule,
  licensePeriodsRule,
  missingFieldRule,
  multipleParentsRule,
  noDataflowRule,
  notificationsWithoutEventsRule,
  pathOutsideRootRule,
  peerAddressBothSidesRule,
  periodicOnlyRule,
  plaintextSecretRule,
  protocolDisabledRule,
  selfLinkRule,
  sharedCertificateRule,
  unknownServerRule,
  updateCycleRule,
  versionInteropRule,
  weakSecretRule,
};
