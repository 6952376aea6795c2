import { describe, expect, it } from 'vitest';
import { serverMessage } from './server-message.js';

describe('serverMessage', () => {
  it.each([
    ['HQ', 'HQ (https://127.0.0.1:1): ECONNREFUSED', 'HQ (https://127.0.0.1:1): ECONNREFUSED'],
    ['HQ', 'HQ: state file is corrupt', 'HQ: state file is corrupt'],
    ['HQ', 'state file is corrupt', 'HQ: state file is corrupt'],
    ['HQ', 'HQX (https://x): refused', 'HQ: HQX (https://x): refused'],
  ])('%s + %s', (server, message, expected) => {
    expect(serverMessage(server, message)).toBe(expected);
  });
});
