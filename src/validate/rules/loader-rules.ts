/**
 * Rules reported by the load stage (parsing, schema, secrets). Their checks live in src/load;
 * these modules hold their documentation so every rule id is documented in one catalog.
 */
import type { RuleDoc } from '../rule.js';

/** `yaml-syntax`: the file is not one well-formed YAML document. */
export const yamlSyntaxDoc: RuleDoc = {
  id: 'yaml-syntax',
  severity: 'error',
  scope: 'loader',
  summary:
    'The file is not well-formed YAML: a syntax error, a duplicate key, several documents, too many aliases, a file too large, binary or not UTF-8.',
  description:
    'avnet reads exactly one YAML 1.2 document of at most 32 MiB, UTF-8 encoded. Duplicate keys are errors (a server declared twice is a duplicate key of `servers`). Alias expansion is limited to stop "billion laughs" files.',
  example: {
    failing: 'servers:\n  MAIN: {address: main.example}\n  MAIN: {address: other.example}\n',
    fixed: 'servers:\n  MAIN: {address: main.example}\n  OTHER: {address: other.example}\n',
  },
};

/** `schema`: a value of the wrong type, an unknown key, a bad enum value or format. */
export const schemaDoc: RuleDoc = {
  id: 'schema',
  severity: 'error',
  scope: 'loader',
  summary: 'A value has the wrong type, an unknown key, a bad enum value or a bad format.',
  description:
    "The file is checked against `schemas/topology.schema.json` (JSON Schema 2020-12). Add the modeline `# yaml-language-server: $schema=...` to get the same checks and completion in your editor. Peer flow directions must name the link's two peers, and `dial` must be one of them or `both`.",
  example: {
    failing: 'servers:\n  MAIN:\n    version: eleven\n    adress: main.example\n',
    fixed: 'servers:\n  MAIN:\n    version: 11\n    address: main.example\n',
  },
};

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
