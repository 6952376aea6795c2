/**
 * `yaml-syntax`: reported by the load stage (src/load/parse-yaml.ts, source-file.ts); this module
 * holds its documentation so that every rule id is documented in one catalog.
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
