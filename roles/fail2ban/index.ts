import { dirname } from 'node:path';
import { apt, command, defineRole, fail2banService, sh, task, type RoleContext } from '../../lib/index.js';
import { enabledJails, renderJailConfig } from './jail-config.js';
import { jailFile } from './jail-file.js';
import { fail2banVariables, type Fail2banVariables } from './variables.js';

export const jailFilePath = '/etc/fail2ban/jail.d/00-bosun.local';

/**
 * `fail2ban-client -t` on the whole configuration as it will be: a copy of /etc/fail2ban with the new file
 * in place. It catches what a reload would die on (an unknown filter or action, a log file that is not
 * there) while the running server and the old file stay as they are.
 */
export const validateJailFile = String.raw`( d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT && cp -a /etc/fail2ban/. "$d"/ && cp %s "$d"/jail.d/00-bosun.local && fail2ban-client -c "$d" -t )`;

/**
 * fail2ban: installed; one jail.d file with the DEFAULT ban settings, the sshd jail on the SSH ports
 * (read from journald on systemd hosts), recidive, and optional nginx jails; the file is tested with
 * `fail2ban-client -t` before it replaces the old one; the server runs, and counts as running only once it
 * and every enabled jail answer and keep answering. See docs/roles/fail2ban.md.
 *
 * @example
 * fail2ban({ bantime: 3600, findtime: 600, maxretry: 3, sshd: { ports: [52231], maxretry: 3, bantime: 7200 }, nginx: { jails: ['nginx-limit-req'] } })
 */
export const fail2ban = defineRole({
  name: 'fail2ban',
  variables: fail2banVariables,
  tasks: (vars, { host, facts }: RoleContext) => {
    const backend = sshdBackend(vars, facts.init);
    const sshdPorts = vars.sshd.ports ?? [host.connection.port ?? 22];
    const jails = enabledJails(vars);
    const errorLog = vars.nginx?.errorLog;
    return [
      task(
        'fail2ban installed',
        apt({ packages: ['fail2ban', ...(backend === 'systemd' ? ['python3-systemd'] : [])] }),
      ),
      ...(errorLog
        ? [
            // fail2ban refuses to start a jail whose log does not exist; nginx may come later (or in a container).
            task(
              'nginx error log exists for its jails',
              command({
                run: sh`install -d -m 0755 ${dirname(errorLog)} && install -m 0640 -g adm /dev/null ${errorLog}`,
                creates: errorLog,
              }),
            ),
          ]
        : []),
      task(
        'jails (tested with fail2ban-client -t)',
        jailFile({
          path: jailFilePath,
          banaction: vars.banaction,
          render: (banaction) => renderJailConfig(vars, { banaction, sshdPorts, sshdBackend: backend }),
          validate: validateJailFile,
        }),
        { notify: ['reload fail2ban'] },
      ),
      task(
        'fail2ban running, its jails answering',
        fail2banService({ state: 'started', enabled: true, jails, settleSeconds: vars.settleSeconds }),
      ),
    ];
  },
  handlers: (vars) => ({
    // Not after a start that read the new file already (a fresh install): the settle wait comes once.
    'reload fail2ban': fail2banService({
      state: 'reloaded',
      jails: enabledJails(vars),
      settleSeconds: vars.settleSeconds,
      changedFile: jailFilePath,
    }),
  }),
});

/**
 * Where the sshd jail reads sshd's log: journald on every systemd host, since journald gets sshd's messages
 * whether or not a syslog daemon also writes /var/log/auth.log (Debian 12 and Ubuntu 24.04 have none), and
 * a leftover auth.log cannot fool it; fail2ban's own file backends elsewhere.
 */
export function sshdBackend(vars: Fail2banVariables, init: string): string {
  return vars.sshd.backend ?? (init === 'systemd' ? 'systemd' : 'auto');
}

export { fail2banVariables, type Fail2banVariables } from './variables.js';
