/**
 * `weak-secret`: a link password that is short, or a word avnet prints. Every byte avnet prints
 * passes through a redactor that masks known password values; a password that is also a server
 * name is then masked wherever that name appears, which tells any reader what it is.
 */
import type { Finding, LinkSpec } from '../../model/index.js';
import { ENTRY_FIELDS, linkEnds, linkLabel, linkPointer } from '../../model/index.js';
import { finding, type TopologyRule } from '../rule.js';

/** Passwords shorter than this many characters (code points) are weak. */
export const MIN_PASSWORD_LENGTH = 8;

/** Words that every plan prints: entry field names and the values of its enumerations. */
const PRINTED_WORDS: ReadonlySet<string> = new Set(
  [
    ...ENTRY_FIELDS,
    'permanent',
    'periodic',
    'possible',
    'enabled',
    'disabled',
    'sensitive',
    'neighbor',
    'protocol',
    'avnet',
  ].map((w) => w.toLowerCase()),
);

/** Lower-cased names a password must not be: every server's, and the network's. */
interface PrintedNames {
  readonly servers: ReadonlySet<string>;
  readonly network?: string;
}

/**
 * Why a password is weak, as phrases that never contain it; empty when it is not. Equality is
 * checked against every server name (a set lookup); containment, which the redactor's masking of
 * substrings also gives away, against the link's own ends and the network name only, so that
 * the rule stays linear in the size of the network.
 */
function weaknesses(password: string, names: PrintedNames, link: LinkSpec): string[] {
  const pw = password.toLowerCase();
  const out: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH)
    out.push(`is shorter than ${MIN_PASSWORD_LENGTH} characters`);
  const ends = linkEnds(link).map((n) => n.toLowerCase());
  if (names.servers.has(pw) || ends.includes(pw)) out.push('is the name of a server');
  else if (ends.some((n) => n.includes(pw))) out.push('is part of the name of a server');
  if (names.network === pw) out.push('is the name of the network');
  else if (names.network?.includes(pw)) out.push('is part of the name of the network');
  if (PRINTED_WORDS.has(pw)) out.push('is a word avnet prints in plans');
  return out;
}

function joined(parts: readonly string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/**
 * The message, naming the link by its ends unless that would print the password (a password
 * that is a server's name is, by definition, in the link's label): the position points there.
 */
function message(password: string, reasons: readonly string[], link: LinkSpec): string {
  const pw = password.toLowerCase();
  const because =
    ': avnet masks a password wherever its value appears in output, so a guessable one gives itself away; use a long random password';
  const options = [
    `password of link ${linkLabel(link)} ${joined(reasons)}${because}`,
    `the password of this link ${joined(reasons)}${because}`,
    'weak link secret: use a long random one',
  ];
  return options.find((m) => !m.toLowerCase().includes(pw)) ?? options[options.length - 1]!;
}

/** Short passwords, and passwords equal to (or part of) a name avnet prints. */
export const weakSecretRule: TopologyRule = {
  id: 'weak-secret',
  severity: 'warning',
  scope: 'topology',
  summary: `A link password is shorter than ${MIN_PASSWORD_LENGTH} characters, or (case-insensitively) is a server name, part of the name of one of the link's servers or of the network, or a word avnet prints in plans (a field name such as \`password\`).`,
  description:
    'A short password is easy to guess. A password that is also a word avnet prints is worse: avnet masks every known password value in all of its output, so the masked places spell out the password to anyone reading a plan, a CI log or a pull-request comment. Inline passwords are always checked; `env` and `file` passwords when they are resolved (`validate --secrets`, and always in `plan` and `apply`). The message never contains the password; when naming the link would print it, the position alone says which link it is.',
  example: {
    failing:
      'servers:\n  MAIN: {address: main.example}\n  AUX: {address: aux.example}\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }   # AVNET_MAIN_AUX=aux\n',
    fixed:
      'servers:\n  MAIN: {address: main.example}\n  AUX: {address: aux.example}\nlinks:\n  - parent: MAIN\n    child: AUX\n    password: { env: AVNET_MAIN_AUX }   # AVNET_MAIN_AUX=$(openssl rand -base64 24)\n',
  },
  check({ topology, secrets }) {
    const out: Finding[] = [];
    let names: PrintedNames | undefined;
    for (const link of topology.links) {
      const ref = link.password;
      if (!ref) continue;
      const value = ref.kind === 'inline' ? ref.value : secrets?.get(link.index);
      if (value === undefined || value === '') continue;
      names ??= {
        servers: new Set([...topology.servers.keys()].map((n) => n.toLowerCase())),
        network: topology.name?.toLowerCase(),
      };
      const reasons = weaknesses(value, names, link);
      if (reasons.length === 0) continue;
      out.push(finding(this, linkPointer(link, 'password'), message(value, reasons, link)));
    }
    return out;
  },
};
