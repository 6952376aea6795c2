import { describe, expect, it } from 'vitest';
import { formatHostPort, parseAddress, parseDuration, parseScheduleWindow } from './values.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['30d', 2_592_000],
    ['2w', 1_209_600],
    ['0d', 0],
  ])('%s is %d seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  it.each(['', '30', 'd', '1.5h', '-1d', '1y', ' 1d'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeNull(),
  );
});

describe('parseAddress', () => {
  it.each([
    ['main.corp.example', 'main.corp.example:2193'],
    ['MAIN.corp.example:2193', 'main.corp.example:2193'],
    ['10.0.0.5:2193', '10.0.0.5:2193'],
    ['[::1]:2193', '[::1]:2193'],
    ['[2001:db8::1]', '[2001:db8::1]:2193'],
    ['localhost:1', 'localhost:1'],
    ['host:65535', 'host:65535'],
  ])('%s is %s', (text, canonical) => {
    const hp = parseAddress(text);
    expect(hp).not.toBeNull();
    expect(formatHostPort(hp!)).toBe(canonical);
  });
  it.each([
    'host:0',
    'host:65536',
    'host:70000',
    'host:',
    ':2193',
    'bad host',
    '::1',
    '[::1',
    '999.1.1.1',
    '1.2.3',
    '-lead.example',
    'a_b.example',
    'https://main.example',
    '[gggg::1]:2193',
  ])('rejects %j', (text) => expect(parseAddress(text)).toBeNull());
});

describe('parseScheduleWindow', () => {
  it.each([
    ['mon-fri 09:00-18:00', [0, 1, 2, 3, 4], 540, 1080],
    ['sat-sun 00:00-24:00', [5, 6], 0, 1440],
    ['mon,wed 10:30-11:00', [0, 2], 630, 660],
    ['daily 00:00-00:30', [0, 1, 2, 3, 4, 5, 6], 0, 30],
    ['sat-mon 01:00-02:00', [0, 5, 6], 60, 120],
  ])('%s', (text, days, start, end) => {
    expect(parseScheduleWindow(text)).toEqual({ days, startMinute: start, endMinute: end });
  });
  it.each([
    'mon-fri 09:15-18:00',
    'mon-fri 9:00-18:00',
    'funday 09:00-10:00',
    'mon 10:00-09:00',
    'mon 24:30-24:00',
    'mon 00:00-24:30',
    'mon',
    '',
    'mon-tue-wed 09:00-10:00',
  ])('rejects %j', (text) => expect(parseScheduleWindow(text)).toHaveProperty('error'));
});

describe('IPv6 canonical form', () => {
  it.each([
    ['[0:0:0:0:0:0:0:1]', '[::1]:2193'],
    ['[::1]:2193', '[::1]:2193'],
    ['[2001:DB8:0:0:0:0:0:1]:10', '[2001:db8::1]:10'],
    ['[2001:db8:0:0:1:0:0:1]', '[2001:db8::1:0:0:1]:2193'],
    ['[::ffff:192.0.2.1]', '[::ffff:c000:201]:2193'],
    ['[1:2:3:4:5:6:7:8]', '[1:2:3:4:5:6:7:8]:2193'],
    ['[0001:0db8::0]', '[1:db8::]:2193'],
  ])('%s is %s', (text, canonical) => expect(formatHostPort(parseAddress(text)!)).toBe(canonical));
});
