import { isAllowedHost } from '@transcriber/ui';

describe('isAllowedHost', () => {
  const on = (host: string, port = 7777) => ({ host, port });

  it('accepts the listening address and localhost, with the port', () => {
    expect(isAllowedHost('127.0.0.1:7777', on('127.0.0.1'))).toBe(true);
    expect(isAllowedHost('localhost:7777', on('127.0.0.1'))).toBe(true);
    expect(isAllowedHost('[::1]:7777', on('::1'))).toBe(true);
    expect(isAllowedHost('localhost:7777', on('::1'))).toBe(true);
  });

  it('refuses any other name, port, or a missing Host', () => {
    for (const host of [
      'evil.example:7777',
      'localhost.:7777',
      'localhost:7778',
      '127.0.0.1',
      '127.0.0.2:7777',
      ' :7777',
    ]) {
      expect({ host, ok: isAllowedHost(host, on('127.0.0.1')) }).toEqual({ host, ok: false });
    }
    expect(isAllowedHost(undefined, on('127.0.0.1'))).toBe(false);
    expect(isAllowedHost('[::1]:7777', on('127.0.0.1'))).toBe(false);
  });

  it('on every interface, accepts any address literal but still no other name', () => {
    for (const host of ['192.168.1.20:7777', '[fe80::1]:7777', 'localhost:7777']) {
      expect({ host, ok: isAllowedHost(host, on('0.0.0.0')) }).toEqual({ host, ok: true });
    }
    expect(isAllowedHost('[::1]:7777', on('::'))).toBe(true);
    expect(isAllowedHost('rebound.example:7777', on('0.0.0.0'))).toBe(false);
    expect(isAllowedHost('192.168.1.20:80', on('0.0.0.0'))).toBe(false);
  });
});
