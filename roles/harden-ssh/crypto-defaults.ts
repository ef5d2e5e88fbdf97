/** The algorithm lists sshd offers: KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms. */
export interface SshdCrypto {
  kexAlgorithms: string[];
  ciphers: string[];
  macs: string[];
  hostKeyAlgorithms: string[];
}

/**
 * Modern algorithms for the host's OpenSSH (the sshd fact's `version`, 'major.minor'), with no `[fail]` from
 * ssh-audit on OpenSSH 8.9 to 9.6: no NIST curves, no SHA-1, no CBC, no 64-bit-tag MACs, no ECDSA or
 * ssh-rsa host key signatures. The post-quantum hybrids come first where the version has them; an
 * unknown version ('') gets the 8.5+ lists, and `sshd -t` rejects them before install if they do not fit.
 */
export function cryptoDefaults(version: string): SshdCrypto {
  const match = /^(\d+)\.(\d+)/.exec(version);
  const [have, haveMinor] = match ? [Number(match[1]), Number(match[2])] : [8, 5];
  const atLeast = (major: number, minor: number) => have > major || (have === major && haveMinor >= minor);
  const kexAlgorithms = [
    // ML-KEM (9.9+) is the default of recent OpenSSH; sntrup761 came in 8.5, its short alias in 9.9.
    ...(atLeast(9, 9) ? ['mlkem768x25519-sha256', 'sntrup761x25519-sha512'] : []),
    ...(atLeast(8, 5) ? ['sntrup761x25519-sha512@openssh.com'] : []),
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
    // Group exchange stays safe only with small moduli removed (removeSmallModuli).
    'diffie-hellman-group-exchange-sha256',
  ];
  return {
    kexAlgorithms,
    ciphers: [
      'chacha20-poly1305@openssh.com',
      'aes256-gcm@openssh.com',
      'aes128-gcm@openssh.com',
      'aes256-ctr',
      'aes192-ctr',
      'aes128-ctr',
    ],
    macs: ['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com'],
    hostKeyAlgorithms: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'],
  };
}
