import { describe, expect, it } from 'vitest';
import type { LinkSpec, ServerSpec, Topology } from '../model/index.js';
import { renderDesiredState, withDefaultPort } from './render-desired-state.js';

function spec(name: string, over: Partial<ServerSpec> = {}): ServerSpec {
  return { name, version: 13, certificates: [], protocol: 'enabled', ...over };
}

function render(servers: ServerSpec[], links: LinkSpec[]) {
  const topology: Topology = {
    defaults: {},
    servers: new Map(servers.map((s) => [s.name, s])),
    links,
  };
  return renderDesiredState({
    topology,
    files: new Map(),
    secrets: new Map(links.map((l) => [l.index, `pw-${l.index}`])),
  });
}

const pc = (parent: string, child: string, over: Partial<LinkSpec> = {}): LinkSpec =>
  ({ kind: 'parent-child', index: 0, parent, child, hasFlows: false, ...over }) as LinkSpec;

describe('withDefaultPort', () => {
  it.each([
    ['main.corp.example', 'main.corp.example:2193'],
    ['main.corp.example:2200', 'main.corp.example:2200'],
    ['10.0.0.5', '10.0.0.5:2193'],
    ['10.0.0.5:2193', '10.0.0.5:2193'],
    ['[::1]', '[::1]:2193'],
    ['[2001:db8::1]:2300', '[2001:db8::1]:2300'],
    ['Main.Corp.Example', 'Main.Corp.Example:2193'],
  ])('%s → %s', (address, want) => {
    expect(withDefaultPort(address)).toBe(want);
  });

  it('leaves what is not an address alone (validation reports it)', () => {
    expect(withDefaultPort('not an address')).toBe('not an address');
  });
});

describe('renderDesiredState: the Address field is <Server_address>:<port>', () => {
  it("fills in port 2193 on the child's Parent entry when the parent's address has none", () => {
    const out = render(
      [spec('MAIN', { address: 'main.corp.example' }), spec('AUX')],
      [pc('MAIN', 'AUX')],
    );
    expect(out.get('AUX')!.neighbors[0]!.address).toBe('main.corp.example:2193');
    // The parent does not dial its child: no address there.
    expect(out.get('MAIN')!.neighbors[0]!.address).toBeNull();
  });

  it("keeps an explicit port, also on a link's own address and for IPv6", () => {
    const a = render(
      [spec('MAIN', { address: 'main.corp.example:2200' }), spec('AUX')],
      [pc('MAIN', 'AUX')],
    );
    expect(a.get('AUX')!.neighbors[0]!.address).toBe('main.corp.example:2200');
    const b = render(
      [spec('MAIN', { address: 'main.corp.example' }), spec('AUX')],
      [pc('MAIN', 'AUX', { address: '[::1]' } as Partial<LinkSpec>)],
    );
    expect(b.get('AUX')!.neighbors[0]!.address).toBe('[::1]:2193');
  });

  it('fills in the port on every dialing side of a peer link', () => {
    const out = render(
      [spec('EAST', { address: 'east.example' }), spec('WEST', { address: '[2001:db8::7]' })],
      [{ kind: 'peer', index: 0, peers: ['EAST', 'WEST'], dial: 'both' }],
    );
    expect(out.get('EAST')!.neighbors[0]!.address).toBe('[2001:db8::7]:2193');
    expect(out.get('WEST')!.neighbors[0]!.address).toBe('east.example:2193');
  });
});
