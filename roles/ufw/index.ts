import {
  apt,
  blockInFile,
  command,
  confirmAccess,
  defineRole,
  guarded,
  task,
  ufwFirewall,
  type RoleContext,
  type RollbackGuard,
} from '../../lib/index.js';
import { dockerUserMarkers, dockerUserRules } from './docker-user-rules.js';
import { ufwVariables, type UfwVariables } from './variables.js';

/**
 * After a rollback has put ufw's files back: make them live again. `ufw --force enable` on a running
 * firewall does not reread the rules, so a running one is reloaded; one that was off is switched off.
 */
export const ufwRestoreCommand = [
  'if grep -qx ENABLED=yes /etc/ufw/ufw.conf; then',
  "  if ufw status | grep -qx 'Status: active'; then ufw reload; else ufw --force enable; fi",
  'else ufw disable; fi',
].join('\n');

/**
 * Empties IPT_SYSCTL in /etc/default/ufw (adding the line if it is missing): ufw then applies no kernel
 * settings when it starts or reloads. Otherwise every `ufw enable`, reload or boot applies
 * /etc/ufw/sysctl.conf, which sets `net.ipv4.conf.all.log_martians` (and more) back to ufw's own values.
 */
export const ufwNoSysctlCommand = [
  'if grep -q "^IPT_SYSCTL=" /etc/default/ufw; then sed -i "s|^IPT_SYSCTL=.*|IPT_SYSCTL=|" /etc/default/ufw',
  'else echo IPT_SYSCTL= >>/etc/default/ufw; fi',
].join('\n');
export const ufwNoSysctlDone =
  'grep -qx "IPT_SYSCTL=" /etc/default/ufw && ! grep -q "^IPT_SYSCTL=." /etc/default/ufw';

/** Every change of the role is guarded: the host restores ufw's files by itself unless a fresh login confirms. */
export function ufwGuard(vars: UfwVariables): RollbackGuard {
  return {
    id: 'ufw',
    paths: ['/etc/ufw', '/etc/default/ufw'],
    restore: ufwRestoreCommand,
    timeoutSeconds: vars.rollbackTimeoutSeconds,
  };
}

/**
 * The ufw firewall: installed, rules (with `purge`), default policies, logging, enabled, and optionally the
 * DOCKER-USER chain so that ports Docker publishes obey ufw; with `sysctl: false`, ufw applies no kernel
 * settings of its own (a sysctl role owns them). It never locks out: the plan refuses a
 * firewall that would block the SSH port of this connection or any of `sshPorts`, the SSH rules go in
 * before the policies change or the firewall is enabled, and every change runs under a host-side rollback
 * cancelled only by a fresh SSH login at the end of the role. See docs/roles/ufw.md.
 *
 * @example
 * ufw({ rules: [{ rule: 'limit', port: 52231 }, { rule: 'allow', port: 80 }, { rule: 'allow', port: 443 }], purge: true })
 */
export const ufw = defineRole({
  name: 'ufw',
  variables: ufwVariables,
  tasks: (vars, { host }: RoleContext) => {
    const guard = ufwGuard(vars);
    return [
      task('ufw installed', apt({ packages: ['ufw'] })),
      // Before the firewall is enabled: enabling it is what applies ufw's kernel settings.
      ...(vars.sysctl
        ? []
        : [
            task(
              'ufw leaves the kernel settings alone (IPT_SYSCTL empty)',
              guarded(command({ run: ufwNoSysctlCommand, unless: ufwNoSysctlDone }), guard),
              { notify: ['confirm SSH access'] },
            ),
          ]),
      task(
        'firewall rules, policies and logging',
        guarded(
          ufwFirewall({
            rules: vars.rules,
            purge: vars.purge,
            defaults: vars.defaults,
            logging: vars.logging,
            enabled: vars.enabled,
            sshPorts: vars.sshPorts,
            connectionPort: host.connection.connection === 'ssh' ? (host.connection.port ?? 22) : undefined,
          }),
          guard,
        ),
        { notify: ['confirm SSH access'] },
      ),
      // Left alone unless set: a block that ufw-docker's own script wrote is not Bosun's to remove.
      ...(vars.dockerUserChain === undefined
        ? []
        : [
            task(
              'Docker-published ports obey ufw (DOCKER-USER rules in after.rules)',
              guarded(
                blockInFile({
                  path: '/etc/ufw/after.rules',
                  block: dockerUserRules,
                  ...dockerUserMarkers,
                  state: vars.dockerUserChain ? 'present' : 'absent',
                }),
                guard,
              ),
              { notify: ['reload ufw', 'confirm SSH access'] },
            ),
          ]),
    ];
  },
  handlers: (vars) => ({
    // Prints "Firewall not enabled (skipping reload)" and succeeds when ufw is off.
    'reload ufw': command({ run: 'ufw reload' }),
    'confirm SSH access': confirmAccess({ guard: ufwGuard(vars), what: 'firewall' }),
  }),
});

export { ufwVariables, type UfwVariables } from './variables.js';
