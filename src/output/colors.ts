/** Terminal colours (picocolors), switched off for pipes, `--no-color` and NO_COLOR. */
import pc from 'picocolors';

/** The colour functions output code uses. */
export type Colors = Pick<
  ReturnType<typeof pc.createColors>,
  'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim' | 'magenta'
>;

/** Colours on or off. */
export function createColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/** No colours (files, JSON, tests). */
export const plainColors: Colors = createColors(false);
