/** `invisible-character`: a server (or network) name holds characters that do not show as themselves. */
import type { Finding, HiddenCharacter } from '../../model/index.js';
import { hiddenCharacters, serverPointer, visibleText } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Distinct characters named in one message at most; the rest are counted. */
const MAX_LISTED = 3;

/**
 * The hidden characters the `schema` rule does not already report: control characters, and
 * whitespace at either end, make the name invalid there.
 */
function reportable(name: string): HiddenCharacter[] {
  const last = [...name].length - 1;
  return hiddenCharacters(name).filter(
    (h) =>
      !/\p{Cc}/u.test(h.char) && !((h.position === 0 || h.position === last) && /\s/u.test(h.char)),
  );
}

function listed(hidden: readonly HiddenCharacter[]): string {
  const distinct = [...new Map(hidden.map((h) => [h.code, h])).values()];
  const parts = distinct.slice(0, MAX_LISTED).map((h) => `${h.code} (${h.description})`);
  const more = distinct.length - MAX_LISTED;
  if (more > 0) parts.push(`${more} more`);
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/** Names with zero-width, bidirectional-control, odd-space and other invisible characters. */
export const invisibleCharacterRule: TopologyRule = {
  id: 'invisible-character',
  severity: 'warning',
  scope: 'topology',
  summary:
    'A server name (or the network name) holds an invisible or bidirectional control character: a zero-width space, joiner or non-joiner, word joiner, BOM, soft hyphen, a bidi mark, embedding, override or isolate, a space other than U+0020, or another format, private-use or unassigned character.',
  description:
    'Such a name prints like another one, or reorders the text around it (a right-to-left override turns `MAIN` into `NIAM` on screen), in terminals, plans and pull-request comments, so a reviewer cannot tell what a change touches. avnet prints these characters as `⟨U+XXXX⟩` everywhere, but the name is still hard to type and to match: rename the server. Control characters and whitespace at either end are `schema` errors instead.',
  example: {
    failing:
      'servers:\n  "MAIN\\u200B": {address: main.example}   # a zero width space after MAIN\n',
    fixed: 'servers:\n  MAIN: {address: main.example}\n',
  },
  check({ topology }) {
    const out: Finding[] = [];
    const why =
      'such characters are invisible or reorder text in terminals, plans and pull-request comments';
    if (topology.name !== undefined) {
      const hidden = reportable(topology.name);
      if (hidden.length > 0)
        out.push(
          finding(
            this,
            '/name',
            `network name "${visibleText(topology.name)}" contains ${listed(hidden)}: ${why}`,
          ),
        );
    }
    for (const name of topology.servers.keys()) {
      const hidden = reportable(name);
      if (hidden.length === 0) continue;
      out.push(
        finding(
          this,
          serverPointer(name),
          `server name "${visibleText(name)}" contains ${listed(hidden)}: ${why}; rename the server`,
          { target: 'key' },
        ),
      );
    }
    return out;
  },
};
