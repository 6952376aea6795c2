/**
 * Link health, the domain's vocabulary for whether a link between two servers is up and, if not,
 * why: the reasons, their explanations and the status of one link. Backends that observe links,
 * the status stage that derives them, the emulator and every output speak it.
 */

/** Why a link is not online. Short, stable codes; `LINK_REASONS` explains each. */
export type LinkReason =
  | 'unreachable'
  | 'certificate-mismatch'
  | 'wrong-password'
  | 'one-sided'
  | 'type-mismatch'
  | 'encryption-mismatch'
  | 'compression-mismatch'
  | 'protocol-disabled'
  | 'restart-pending'
  | 'duplicate-key-id'
  | 'wrong-server'
  | 'no-dialer'
  | 'missing'
  | 'server-unreachable'
  | 'connection-lost'
  | 'connecting'
  | 'not-connected';

/** Every reason with its weight (the more specific cause wins when two sides disagree) and explanation. */
export const LINK_REASONS: Readonly<Record<LinkReason, { rank: number; explain: string }>> = {
  missing: {
    rank: 9,
    explain: 'neither server has an entry for the other: the link is not applied yet (avnet apply)',
  },
  'one-sided': {
    rank: 8,
    explain:
      'only one server has an entry for the other; a link must be configured on both servers',
  },
  'type-mismatch': {
    rank: 8,
    explain: 'the two entries do not mirror each other (parent ↔ child, peer ↔ peer)',
  },
  'certificate-mismatch': {
    rank: 8,
    explain:
      "a server presented a certificate that the other server's entry does not list among the neighbor's certificates",
  },
  'wrong-password': {
    rank: 8,
    explain: 'the two entries hold different passwords (proven without sending either)',
  },
  'encryption-mismatch': {
    rank: 8,
    explain: 'one side requires encryption (yes) and the other refuses it (no)',
  },
  'compression-mismatch': {
    rank: 8,
    explain: 'one side requires compression (yes) and the other refuses it (no)',
  },
  'duplicate-key-id': {
    rank: 8,
    explain:
      'another link of the same server already uses the same password and certificate; the vendor forbids connecting several servers with the same pair of password and certificate (give each link its own password)',
  },
  'wrong-server': {
    rank: 8,
    explain: "the entry's address leads to a different server than the one the entry names",
  },
  'no-dialer': {
    rank: 8,
    explain:
      "neither entry holds the other side's address, so no server connects (set the address on the dialing side)",
  },
  'protocol-disabled': {
    rank: 7,
    explain: 'a server has the "Dr.Web Server protocol" module disabled',
  },
  'restart-pending': {
    rank: 7,
    explain: 'a server has the protocol module enabled but has not been restarted since',
  },
  'server-unreachable': {
    rank: 6,
    explain: "a server's management API cannot be reached, so its side of the link is unknown",
  },
  unreachable: {
    rank: 5,
    explain:
      'the dialing server cannot connect to the address in its entry: check the address and that the other server is running',
  },
  'connection-lost': {
    rank: 3,
    explain: 'the connection closed; the dialing side reconnects with backoff',
  },
  connecting: { rank: 2, explain: 'the dialing side is connecting' },
  'not-connected': {
    rank: 1,
    explain: 'waiting for the other side to connect',
  },
};

/** Which way a link runs: parent → child, or between peers. */
export type LinkKind = 'parent-child' | 'peer';

/** The live state of one link as seen by the servers. `reason`/`detail` are null when online. */
export interface LinkStatus {
  readonly a: string;
  readonly b: string;
  readonly type: LinkKind;
  readonly state: 'online' | 'offline';
  /** Why the link is offline (null when online). */
  readonly reason: LinkReason | null;
  /** One short line with the specifics (address, fingerprint, who refused); never a secret. */
  readonly detail: string | null;
}

/** An online link between `a` and `b`. */
export function onlineLink(where: Pick<LinkStatus, 'a' | 'b' | 'type'>): LinkStatus {
  return { ...where, state: 'online', reason: null, detail: null };
}

/** An offline link between `a` and `b`, with its reason. */
export function offlineLink(
  where: Pick<LinkStatus, 'a' | 'b' | 'type'>,
  reason: LinkReason,
  detail: string | null,
): LinkStatus {
  return { ...where, state: 'offline', reason, detail };
}

/** A link's problem as one line, `reason: detail` (the `error` field of `status --format json`), or null. */
export function linkErrorText(link: Pick<LinkStatus, 'reason' | 'detail'>): string | null {
  if (!link.reason) return null;
  return link.detail ? `${link.reason}: ${link.detail}` : link.reason;
}

/** True when `code` is one of the link reasons. */
export function isLinkReason(code: unknown): code is LinkReason {
  return typeof code === 'string' && Object.hasOwn(LINK_REASONS, code);
}
