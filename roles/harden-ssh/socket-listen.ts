/** Where the role puts ssh.socket's listening ports when systemd starts sshd from a socket. */
export const socketDropInDir = (service: string) => `/etc/systemd/system/${service}.socket.d`;
export const socketDropInPath = (service: string) => `${socketDropInDir(service)}/bosun-listen.conf`;

/**
 * The ssh.socket drop-in for socket activation (Debian 12 with ssh.socket, Ubuntu 22.10+), which ignores
 * Port in sshd_config. `ListenStream=` empty first drops the unit's own port 22 and whatever an earlier
 * drop-in set: on Ubuntu 24.04 the sshd-socket-generator writes addresses.conf from Port at every
 * daemon-reload, and this file sorts after it (and after a migrated /etc/…/addresses.conf), so ports are
 * decided here either way. A bare port with BindIPv6Only=both listens on IPv4 and IPv6 (Ubuntu's unit says
 * ipv6-only with two addresses), and systemd falls back to IPv4 alone on a host without IPv6.
 */
export function socketListenDropIn(ports: number[]): string {
  return [
    '# Managed by Bosun (role harden-ssh): the ports sshd listens on with socket activation.',
    '[Socket]',
    'ListenStream=',
    'BindIPv6Only=both',
    ...ports.map((port) => `ListenStream=${port}`),
    '',
  ].join('\n');
}
