import assert from 'node:assert/strict';
import { parseProxyJump } from './proxy-jump.js';

describe('parseProxyJump', () => {
  it('reads [user@]host[:port] hops separated by commas', () => {
    assert.deepEqual(parseProxyJump('bastion', 'web1'), [
      { spec: 'bastion', host: 'bastion', user: undefined, port: undefined },
    ]);
    assert.deepEqual(parseProxyJump('admin@10.0.0.1:2200, ops@inner', 'web1'), [
      { spec: 'admin@10.0.0.1:2200', host: '10.0.0.1', user: 'admin', port: 2200 },
      { spec: 'ops@inner', host: 'inner', user: 'ops', port: undefined },
    ]);
  });

  it('reads bracketed IPv6 addresses and ssh:// URIs', () => {
    assert.deepEqual(parseProxyJump('root@[fd00::1]:22', 'web1'), [
      { spec: 'root@[fd00::1]:22', host: 'fd00::1', user: 'root', port: 22 },
    ]);
    assert.deepEqual(parseProxyJump('ssh://jump.example.org:2222', 'web1'), [
      { spec: 'ssh://jump.example.org:2222', host: 'jump.example.org', user: undefined, port: 2222 },
    ]);
  });

  it('refuses what is not a hop, naming where it came from', () => {
    for (const bad of ['', 'a b', 'host:port', 'host:70000', 'u@', 'a,,b']) {
      assert.throws(
        () => parseProxyJump(bad, 'web1: bosun_proxy_jump'),
        (error: Error & { code?: string }) =>
          error.code === 'PROXY_JUMP_INVALID' && error.message.startsWith('web1: bosun_proxy_jump'),
        bad,
      );
    }
  });
});
