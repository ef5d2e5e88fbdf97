import assert from 'node:assert/strict';
import { planSshHostKey, sshHostKey, type SshHostKeyDesired } from './ssh-host-key.js';

const rsa: SshHostKeyDesired = { type: 'rsa', path: '/etc/ssh/ssh_host_rsa_key', minBits: 3072, bits: 4096 };
const ed25519: SshHostKeyDesired = {
  type: 'ed25519',
  path: '/etc/ssh/ssh_host_ed25519_key',
  minBits: 3072,
  bits: 4096,
};

describe('planSshHostKey', () => {
  it('generates a missing key', () => {
    assert.deepEqual(planSshHostKey({ exists: false }, ed25519), {
      changes: ['generate ed25519 host key /etc/ssh/ssh_host_ed25519_key'],
    });
  });

  it('replaces an RSA key under minBits, and keeps one at or above it', () => {
    assert.deepEqual(planSshHostKey({ exists: true, bits: 2048 }, rsa), {
      changes: [
        'replace the 2048-bit RSA host key /etc/ssh/ssh_host_rsa_key with a 4096-bit one (its fingerprint changes)',
      ],
    });
    assert.deepEqual(planSshHostKey({ exists: true, bits: 3072 }, rsa), { changes: [] });
    assert.deepEqual(planSshHostKey({ exists: true, bits: 256 }, ed25519), { changes: [] });
  });

  it('refuses unknown types and a generated size under the minimum', () => {
    assert.throws(() => sshHostKey({ type: 'dsa' as never }), /unknown key type 'dsa'/);
    assert.throws(() => sshHostKey({ type: 'rsa', bits: 2048 }), /bits 2048 is under minBits 3072/);
  });
});
