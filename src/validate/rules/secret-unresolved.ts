/**
 * `secret-unresolved`: reported by the load stage when secrets are resolved (src/load/secrets.ts);
 * this module holds its documentation.
 */
import type { RuleDoc } from '../rule.js';

/** `secret-unresolved`: a password reference that cannot be resolved. */
export const secretUnresolvedDoc: RuleDoc = {
  id: 'secret-unresolved',
  severity: 'error',
  scope: 'loader',
  summary:
    'An `env` secret whose variable is unset or empty, or an unreadable secret file (only when secrets are resolved: `plan`, `apply`, `validate --secrets`).',
  description:
    'Passwords are read at plan and apply time. Export the variable (or create the file) in the environment that runs avnet, for example as a CI secret.',
  example: {
    failing:
      'links:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }   # variable not exported\n',
    fixed:
      '# export AVNET_MAIN_AUX=... before running avnet plan\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }\n',
  },
};
