/** Exit codes of the CLI contract. Only the CLI entry maps outcomes to them. */

/** Success (for plan: with or without changes, unless --detailed-exitcode). */
export const EXIT_OK = 0;
/** Invalid input (an error, or a warning under --strict) or a failure. */
export const EXIT_FAILURE = 1;
/** `plan --detailed-exitcode`: success and changes are pending. */
export const EXIT_CHANGES = 2;
/** Usage errors: unknown flag or command, bad flag value, missing topology file (sysexits EX_USAGE). */
export const EXIT_USAGE = 64;

/** A mistake in how avnet was called; reported on stderr with exit code 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
