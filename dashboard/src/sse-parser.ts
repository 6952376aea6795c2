/**
 * A Server-Sent Events parser for a stream read with `fetch` (EventSource cannot send the bearer
 * token), following the WHATWG event-stream rules: fields `event`, `data`, `id`, `retry`,
 * comments, and any of CRLF, LF or CR as line ends, even when a chunk splits them.
 */

/** One dispatched event. */
export interface SseEvent {
  readonly type: string;
  readonly data: string;
  readonly id: string | null;
}

/** Feeds text chunks in, calls `onEvent` for every complete event and `onRetry` for `retry:`. */
export class SseParser {
  private buffer = '';
  private type = '';
  private data: string[] = [];
  private id: string | null = null;
  private hasData = false;
  /** True when the previous chunk ended with CR: a LF starting the next one belongs to it. */
  private pendingCr = false;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onRetry: (ms: number) => void = () => {},
  ) {}

  /** Adds a chunk of decoded text. */
  push(chunk: string): void {
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr < 0 && lf < 0) break;
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      this.line(this.buffer.slice(start, end));
      if (this.buffer[end] === '\r') {
        if (end + 1 === this.buffer.length) {
          this.pendingCr = true;
          start = end + 1;
          continue;
        }
        start = this.buffer[end + 1] === '\n' ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.onRetry(Number(value));
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    if (this.hasData) {
      this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), id: this.id });
    }
    this.type = '';
    this.data = [];
    this.hasData = false;
  }
}
