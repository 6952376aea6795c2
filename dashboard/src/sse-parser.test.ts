import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.js';

function parse(chunks: readonly string[]): { events: SseEvent[]; retries: number[] } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const p = new SseParser(
    (e) => events.push(e),
    (ms) => retries.push(ms),
  );
  for (const c of chunks) p.push(c);
  return { events, retries };
}

describe('SseParser', () => {
  it('reads named events, joins data lines and skips comments', () => {
    const { events } = parse([
      ': keep-alive\n\nevent: status\ndata: {"a":1,\ndata: "b":2}\n\nevent: cycle\ndata: {"id":3}\n\n',
    ]);
    expect(events).toEqual([
      { type: 'status', data: '{"a":1,\n"b":2}', id: null },
      { type: 'cycle', data: '{"id":3}', id: null },
    ]);
  });

  it('handles events split anywhere across chunks, with CRLF, LF and CR line ends', () => {
    const text = 'event: status\r\ndata: x\r\n\r\nevent: cycle\rdata: y\r\rdata: z\n\n';
    // Every way of cutting the stream in two gives the same events.
    for (let cut = 0; cut <= text.length; cut++) {
      const { events } = parse([text.slice(0, cut), text.slice(cut)]);
      expect(events.map((e) => [e.type, e.data])).toEqual([
        ['status', 'x'],
        ['cycle', 'y'],
        ['message', 'z'],
      ]);
    }
    const oneByOne = parse([...text]).events.map((e) => e.data);
    expect(oneByOne).toEqual(['x', 'y', 'z']);
  });

  it('dispatches nothing for an event without data or before its blank line', () => {
    expect(parse(['event: status\n\n']).events).toEqual([]);
    expect(parse(['event: status\ndata: half']).events).toEqual([]);
  });

  it('keeps ids, strips one leading space only, and reports retry', () => {
    const { events, retries } = parse(['id: 7\nretry: 1500\nretry: soon\ndata:  two spaces\n\n']);
    expect(events).toEqual([{ type: 'message', data: ' two spaces', id: '7' }]);
    expect(retries).toEqual([1500]);
  });
});
