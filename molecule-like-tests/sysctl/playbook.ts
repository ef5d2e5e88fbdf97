import { playbook } from '../../lib/engine/playbook.js';
import { sysctlHardening } from '../../roles/sysctl/index.js';

// Use case A: the hardening keys, IPv6 off, and one key of the user's own.
export default playbook({
  name: 'sysctl role',
  plays: [
    {
      name: 'kernel hardening',
      hosts: 'all',
      roles: [sysctlHardening({ disableIpv6: true, extra: { 'net.ipv4.tcp_fin_timeout': 30 } })],
    },
  ],
});
