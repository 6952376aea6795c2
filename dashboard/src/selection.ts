/** What the details panel shows: a server, one link, or the links a picture line stands for. */

/** The current selection (links by `a|b|type` key). */
export type Selection =
  | { readonly kind: 'server'; readonly name: string }
  | { readonly kind: 'link'; readonly key: string }
  | { readonly kind: 'links'; readonly title: string; readonly keys: readonly string[] };
