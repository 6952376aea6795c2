/** What the details panel shows: a server, one link, or the links a picture line stands for. */
import type { LinkStatusEntry } from './api-types.js';

/** The current selection. */
export type Selection =
  | { readonly kind: 'server'; readonly name: string }
  | { readonly kind: 'link'; readonly key: string }
  | { readonly kind: 'links'; readonly title: string; readonly keys: readonly string[] };

/** Selects a server. */
export function serverSelection(name: string): Selection {
  return { kind: 'server', name };
}

/** The servers a selection involves (to open them in the picture). */
export function selectedServers(
  sel: Selection | null,
  links: readonly LinkStatusEntry[],
): string[] {
  if (sel === null) return [];
  if (sel.kind === 'server') return [sel.name];
  const keys = new Set(sel.kind === 'link' ? [sel.key] : sel.keys);
  const out: string[] = [];
  for (const l of links) if (keys.has(`${l.a}|${l.b}|${l.type}`)) out.push(l.a, l.b);
  return out;
}
