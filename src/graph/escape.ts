/** Escaping user text (server names, addresses, flow labels) for Mermaid and DOT labels. */
import { visibleText } from '../model/index.js';

// Control characters would end a Mermaid statement or a DOT line; names may not hold them, but a
// topology with schema errors is still drawn, so they are replaced rather than trusted.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

// Mermaid entity codes (`#NN;`) are decoded to HTML entities, so they show as the character and
// can never close the quoted label, open a pipe label, start markup or another entity.
const MERMAID_CODES: Readonly<Record<string, string>> = {
  '#': '#35;',
  '"': '#34;',
  '%': '#37;',
  '&': '#38;',
  '<': '#60;',
  '>': '#62;',
  '|': '#124;',
  '`': '#96;',
};

// Mermaid scans whole lines for these words before parsing, string or not: `direction TB`
// anywhere on a line is taken as a statement, and `style`/`classDef` lines get their last `;`
// removed. Writing the first letter as a code keeps the word visible but out of their reach.
const MERMAID_LINE_WORDS = /style|classdef|direction/gi;

/**
 * Escapes text for a quoted Mermaid label (`["…"]`, `|"…"|`): every character that could end the
 * string, start a tag, entity, comment or directive is written as a Mermaid entity code.
 */
export function escapeMermaid(text: string): string {
  // Invisible and bidi characters of names (a right-to-left override) show as ⟨U+XXXX⟩.
  return visibleText(text.replace(CONTROL, ' '))
    .replace(/[#"%&<>|`]/g, (c) => MERMAID_CODES[c] ?? c)
    .replace(MERMAID_LINE_WORDS, (w) => `#${w.charCodeAt(0)};${w.slice(1)}`);
}

/**
 * Escapes text for a quoted DOT string. Backslashes are doubled so Graphviz's own escapes
 * (`\N`, `\G`, `\l`) never fire; `&` becomes `&amp;` because Graphviz decodes HTML entities.
 */
export function escapeDot(text: string): string {
  return visibleText(text.replace(CONTROL, ' '))
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/&/g, '&amp;');
}
