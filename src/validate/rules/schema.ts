/**
 * `schema`: reported by the load stage (src/load/schema-check.ts) and, for flow directions that
 * must name the link's peers, by flow-direction.ts; this module holds its documentation.
 */
import type { RuleDoc } from '../rule.js';

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
