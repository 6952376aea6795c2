import { describe, expect, it } from 'vitest';
import { linkErrorText, type LinkStatus } from '../../model/index.js';
import { mergeLinkViews } from './link-views.js';
import type { LinkView } from './wire.js';

/** The link's problem as `reason: detail`, as `status --format json` prints it. */
function errorOf(l: LinkStatus | undefined): string | null | undefined {
  return l && linkErrorText(l);
}

function view(neighbor: string, patch: Partial<LinkView> = {}): LinkView {
  return {
    neighbor,
    type: 'peer',
    dials: false,
    state: 'online',
    reason: null,
    detail: null,
    remote: false,
    since: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

describe('mergeLinkViews', () => {
  it('is online only when both sides are, and names parent first', () => {
    expect(
      mergeLinkViews([
        { server: 'AUX', views: [view('MAIN', { type: 'parent', dials: true })] },
        { server: 'MAIN', views: [view('AUX', { type: 'child' })] },
      ]),
    ).toEqual([
      { a: 'MAIN', b: 'AUX', type: 'parent-child', state: 'online', reason: null, detail: null },
    ]);
  });

  it('prefers the more specific reason, then the side that found it', () => {
    const [l] = mergeLinkViews([
      {
        server: 'A',
        views: [
          view('B', {
            dials: true,
            state: 'offline',
            reason: 'wrong-password',
            detail: 'B proved a different password',
            remote: true,
          }),
        ],
      },
      {
        server: 'B',
        views: [
          view('A', {
            state: 'offline',
            reason: 'wrong-password',
            detail: 'A proved a different password than B holds',
          }),
        ],
      },
    ]);
    expect(errorOf(l)).toBe('wrong-password: A proved a different password than B holds');
    const [u] = mergeLinkViews([
      {
        server: 'A',
        views: [
          view('B', {
            dials: true,
            state: 'offline',
            reason: 'unreachable',
            detail: 'connect ECONNREFUSED 127.0.0.1:9',
          }),
        ],
      },
      {
        server: 'B',
        views: [view('A', { state: 'offline', reason: 'not-connected', detail: 'waiting' })],
      },
    ]);
    expect(errorOf(u)).toBe('unreachable: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('finds one-sided entries, type mismatches and links nobody dials', () => {
    expect(
      errorOf(
        mergeLinkViews([
          {
            server: 'A',
            views: [view('B', { dials: true, state: 'offline', reason: 'one-sided' })],
          },
          { server: 'B', views: [] },
        ])[0],
      ),
    ).toMatch(/^one-sided: A has a peer entry for B, but B has no entry for A$/);
    expect(
      errorOf(
        mergeLinkViews([
          { server: 'A', views: [view('B', { type: 'child' })] },
          { server: 'B', views: [view('A', { type: 'peer' })] },
        ])[0],
      ),
    ).toMatch(/^type-mismatch: /);
    expect(
      errorOf(
        mergeLinkViews([
          { server: 'A', views: [view('B', { state: 'offline', reason: 'not-connected' })] },
          { server: 'B', views: [view('A', { state: 'offline', reason: 'not-connected' })] },
        ])[0],
      ),
    ).toMatch(/^no-dialer: neither A nor B/);
    expect(errorOf(mergeLinkViews([{ server: 'A', views: [view('GHOST')] }])[0])).toMatch(
      /not a known server/,
    );
  });

  it('reports a side that could not be read, unless the other side knows better', () => {
    expect(
      errorOf(
        mergeLinkViews([
          { server: 'A', views: [view('B', { state: 'offline', reason: 'not-connected' })] },
          { server: 'B', error: 'B (https://127.0.0.1:1): ECONNREFUSED' },
        ])[0],
      ),
    ).toBe('server-unreachable: cannot read B: B (https://127.0.0.1:1): ECONNREFUSED');
    expect(
      errorOf(
        mergeLinkViews([
          {
            server: 'A',
            views: [
              view('B', {
                dials: true,
                state: 'offline',
                reason: 'unreachable',
                detail: 'connect ECONNREFUSED 127.0.0.1:2',
              }),
            ],
          },
          { server: 'B', error: 'down' },
        ])[0],
      ),
    ).toBe('unreachable: connect ECONNREFUSED 127.0.0.1:2');
  });
});
