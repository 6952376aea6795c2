/** Every rule's documentation, in catalog order, for SARIF and docs/rules.md. */
import { RULE_IDS } from '../model/index.js';
import { LOADER_RULE_DOCS, TOPOLOGY_RULES, type RuleDoc } from '../validate/index.js';
import { STATE_RULES } from '../audit/index.js';

/** Rule docs ordered as the catalog lists the ids. */
export function allRuleDocs(): RuleDoc[] {
  const byId = new Map<string, RuleDoc>();
  for (const d of [...LOADER_RULE_DOCS, ...TOPOLOGY_RULES, ...STATE_RULES])
    if (!byId.has(d.id)) byId.set(d.id, d);
  return RULE_IDS.map((id) => byId.get(id)).filter((d): d is RuleDoc => d !== undefined);
}
