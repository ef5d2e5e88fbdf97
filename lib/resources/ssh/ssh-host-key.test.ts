import assert from 'node:assert/strict';
import { run } from '../actions.js';
import type { Probe, ResourceContext } from '../resource.js';
import {
  parseHostKey,
  planSshHostKey,
  sshHostKey,
  type SshHostKeyDesired,
  type SshHostKeyState,
} from './ssh-host-key.js';

const rsa: SshHostKeyDesired = { type: 'rsa', path: '/etc/ssh/ssh_host_rsa_key', minBits: 3072, bits: 4096 };
const ed25519: SshHostKeyDesired = {
  type: 'ed25519',
  path: '/etc/ssh/ssh_host_ed25519_key',
  minBits: 3072,
  bits: 4096,
};
const generate = (keygen: string, path: string) =>
  run(
    `set -e
dir=$(mktemp -d /etc/ssh/.bosun-host-key.XXXXXX)
trap 'rm -rf "$dir"' EXIT
ssh-keygen -q ${keygen} -N '' -f "$dir/key"
mv -f "$dir/key.pub" ${path}.pub
mv -f "$dir/key" ${path}`,
    `generating host key ${path}`,
    'SSH_HOST_KEY_FAILED',
  );

describe('planSshHostKey', () => {
  it('generates a missing key', () => {
    assert.deepEqual(planSshHostKey({ exists: false }, ed25519), {
      actions: [generate('-t ed25519 ', '/etc/ssh/ssh_host_ed25519_key')],
      changes: ['generate ed25519 host key /etc/ssh/ssh_host_ed25519_key'],
    });
  });

  it('replaces an RSA key under minBits, and keeps one at or above it', () => {
    assert.deepEqual(planSshHostKey({ exists: true, bits: 2048 }, rsa), {
      actions: [generate('-t rsa -b 4096', '/etc/ssh/ssh_host_rsa_key')],
      changes: [
        'replace the 2048-bit RSA host key /etc/ssh/ssh_host_rsa_key with a 4096-bit one (its fingerprint changes)',
      ],
    });
    const nothing = { actions: [], changes: [] };
    assert.deepEqual(planSshHostKey({ exists: true, bits: 3072 }, rsa), nothing);
    assert.deepEqual(planSshHostKey({ exists: true, bits: 256 }, ed25519), nothing);
  });

  it('refuses unknown types and a generated size under the minimum', () => {
    assert.throws(() => sshHostKey({ type: 'dsa' as never }), /unknown key type 'dsa'/);
    assert.throws(() => sshHostKey({ type: 'rsa', bits: 2048 }), /bits 2048 is under minBits 3072/);
  });
});

describe('sshHostKey probe', () => {
  const ctx = { transport: { hostName: 'web1' } } as unknown as ResourceContext;

  it('reads the size of an existing key, and a missing one', () => {
    const probe = sshHostKey({ type: 'rsa' }).probe(ctx) as Probe<SshHostKeyState>;
    assert.match(probe.script, /ssh-keygen -l -f \/etc\/ssh\/ssh_host_rsa_key\.pub/);
    assert.deepEqual(probe.parse({ code: 0, stdout: 'exists=1\nbits=3072\n', stderr: '' }), {
      exists: true,
      bits: 3072,
    });
    assert.deepEqual(parseHostKey('exists=0\n'), { exists: false, bits: undefined });
    assert.throws(
      () => probe.parse({ code: 1, stdout: '', stderr: 'is not a public key file' }),
      (error: Error & { code?: string }) => error.code === 'PROBE_FAILED',
    );
  });
});
