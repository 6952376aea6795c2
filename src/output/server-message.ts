/** Per-server error lines. */

/** The message, prefixed with the server's name unless it already starts with it. */
export function serverMessage(server: string, message: string): string {
  // Backend errors usually name the server already ("HQ (https://…): …"); say it once.
  return message.startsWith(`${server} `) || message.startsWith(`${server}:`)
    ? message
    : `${server}: ${message}`;
}
