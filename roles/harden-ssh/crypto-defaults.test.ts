import assert from 'node:assert/strict';
import { cryptoDefaults } from './crypto-defaults.js';

// What ssh-audit fails on any OpenSSH: NIST curves, SHA-1, CBC, 64-bit MAC tags, ssh-rsa/ECDSA host keys.
const weak = /nistp|sha1|-cbc|umac-64|^ssh-rsa$|ecdsa|group1-|group14-|3des|arcfour/;

describe('cryptoDefaults', () => {
  for (const version of ['8.9', '9.2', '9.6']) {
    it(`offers nothing ssh-audit fails on OpenSSH ${version}, with the post-quantum hybrid first`, () => {
      const crypto = cryptoDefaults(version);
      for (const list of Object.values(crypto)) {
        assert.deepEqual(
          list.filter((name: string) => weak.test(name)),
          [],
        );
      }
      assert.equal(crypto.kexAlgorithms[0], 'sntrup761x25519-sha512@openssh.com');
      assert.ok(crypto.kexAlgorithms.includes('curve25519-sha256'));
      assert.ok(crypto.macs.every((mac) => mac.endsWith('-etm@openssh.com')));
      assert.deepEqual(crypto.hostKeyAlgorithms, ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256']);
    });
  }

  it('leaves sntrup761 out before OpenSSH 8.5, which does not know it', () => {
    const kex = cryptoDefaults('8.4').kexAlgorithms;
    assert.ok(!kex.some((name) => name.startsWith('sntrup')));
    assert.equal(kex[0], 'curve25519-sha256');
  });

  it('puts ML-KEM first from OpenSSH 9.9, and also offers the 9.9 name of sntrup761', () => {
    const kex = cryptoDefaults('10.0').kexAlgorithms;
    assert.deepEqual(kex.slice(0, 3), [
      'mlkem768x25519-sha256',
      'sntrup761x25519-sha512',
      'sntrup761x25519-sha512@openssh.com',
    ]);
    assert.ok(!cryptoDefaults('9.8').kexAlgorithms.includes('mlkem768x25519-sha256'));
  });

  it('takes an unknown version for 8.5+: sshd -t rejects the list before install if it does not fit', () => {
    assert.deepEqual(cryptoDefaults(''), cryptoDefaults('9.2'));
  });
});
