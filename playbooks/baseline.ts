import { playbook, type InventoryHost } from '../lib/index.js';
import { fail2ban, hardenSsh, sysctlHardening, ufw, unattendedUpgrades, users } from '../roles/index.js';

/**
 * The security baseline of USE-CASES A: an admin user with a key and sudo, unattended security upgrades,
 * kernel hardening, ufw (SSH limited, web open), sshd hardened and moved to `ssh_port`, fail2ban on it.
 * Variables: inventory/prod/group_vars/vps.yml.
 *
 * The firewall runs before sshd moves, allowing both the port in use (`ssh_transition_ports`) and the new
 * one; sshd is confirmed by a fresh login on the new port. A fresh server is bootstrapped as root, which
 * keeps root's key login (`prohibit-password`) for that run; every later run logs in as the admin user with
 * sudo, and root's SSH login is off:
 *
 *   bosun run playbooks/baseline.ts -i inventory/prod -e bosun_user=root -e bosun_port=22 -e bosun_become=false
 *   bosun run playbooks/baseline.ts -i inventory/prod
 */
export default playbook({
  name: 'security baseline (USE-CASES A)',
  plays: [
    {
      name: 'baseline',
      hosts: 'vps',
      become: true,
      roles: [
        users((host) => ({
          users: [
            {
              name: baseline(host).admin_user,
              groups: ['adm'],
              sudo: 'nopasswd',
              authorizedKeys: baseline(host).admin_authorized_keys,
              exclusiveKeys: true,
            },
          ],
        })),
        unattendedUpgrades((host) => ({
          automaticReboot: baseline(host).auto_reboot ?? false,
          automaticRebootTime: '04:00',
        })),
        sysctlHardening((host) => ({ disableIpv6: baseline(host).disable_ipv6 ?? false })),
        ufw((host) => {
          const sshPorts = sshPortsDuringMove(host);
          const ssh = (rule: 'allow' | 'limit', from?: string) =>
            sshPorts.map((port) => ({ rule, port, proto: 'tcp' as const, ...(from ? { from } : {}) }));
          return {
            rules: [
              // The admins' own networks first: ufw's first match wins, so their logins skip the rate limit.
              ...(baseline(host).admin_networks ?? []).flatMap((network) =>
                ssh('allow', network).map((rule) => ({ ...rule, comment: 'ssh from admins' })),
              ),
              ...ssh('limit').map((rule) => ({ ...rule, comment: 'ssh' })),
              { rule: 'allow', port: 80, proto: 'tcp' },
              { rule: 'allow', port: 443, proto: 'tcp' },
            ],
            sshPorts,
            purge: true,
            // The sysctl role above owns the kernel settings: ufw must not set log_martians back to 0.
            sysctl: false,
          };
        }),
        hardenSsh((host) => {
          const vars = baseline(host);
          const bootstrap = isBootstrap(host);
          return {
            ports: [vars.ssh_port],
            permitRootLogin: bootstrap ? 'prohibit-password' : 'no',
            allowUsers: bootstrap ? [vars.admin_user, 'root'] : [vars.admin_user],
            passwordAuthentication: false,
            kbdInteractiveAuthentication: false,
            pubkeyAuthentication: true,
            usePam: true,
            x11Forwarding: false,
            printMotd: false,
            clientAliveInterval: 300,
            clientAliveCountMax: 2,
            maxAuthTries: 3,
            maxSessions: 2,
          };
        }),
        fail2ban((host) => ({
          bantime: 3600,
          findtime: 600,
          maxretry: 3,
          ignoreip: ['127.0.0.1/8', '::1', ...(baseline(host).admin_networks ?? [])],
          sshd: { ports: [baseline(host).ssh_port], maxretry: 3, bantime: 7200 },
          ...(baseline(host).nginx_jails
            ? { nginx: { jails: ['nginx-limit-req' as const], maxretry: 5, findtime: 60 } }
            : {}),
        })),
      ],
    },
  ],
});

/** The inventory variables this playbook reads (group_vars/vps.yml). */
interface BaselineVars {
  admin_user: string;
  admin_authorized_keys: string[];
  ssh_port: number;
  /** SSH ports still in use while sshd moves to ssh_port (e.g. [22]); remove once the move is done. */
  ssh_transition_ports?: number[];
  /** Networks the admins connect from: SSH allowed without ufw's rate limit, never banned by fail2ban. */
  admin_networks?: string[];
  disable_ipv6?: boolean;
  auto_reboot?: boolean;
  nginx_jails?: boolean;
}

function baseline(host: InventoryHost): BaselineVars {
  return host.vars as unknown as BaselineVars;
}

/** A run as root is the bootstrap of a fresh server: root keeps its key login until the admin user takes over. */
function isBootstrap(host: InventoryHost): boolean {
  return host.connection.user === 'root';
}

function sshPortsDuringMove(host: InventoryHost): number[] {
  const vars = baseline(host);
  return [...new Set([...(vars.ssh_transition_ports ?? []), vars.ssh_port])];
}
