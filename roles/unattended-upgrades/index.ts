import { apt, defineRole, directory, file, service, task, type Task } from '../../lib/index.js';
import {
  autoUpgradesConfig,
  distributionOrigins,
  unattendedUpgradesConfig,
  upgradeTimerDropIn,
  type Origins,
} from './apt-config.js';
import { unsupported } from './unsupported.js';
import { unattendedUpgradesVariables } from './variables.js';

export { unattendedUpgradesVariables, type UnattendedUpgradesVariables } from './variables.js';
export {
  distributionOrigins,
  unattendedUpgradesConfig,
  autoUpgradesConfig,
  type Origins,
} from './apt-config.js';

const confDir = '/etc/apt/apt.conf.d';
const timerDir = '/etc/systemd/system/apt-daily-upgrade.timer.d';
// apt-config reads the new file after every other one: a syntax error fails, the old file stays.
const validate = 'apt-config -c %s dump >/dev/null';

/**
 * Automatic security updates: unattended-upgrades installed, the daily timers on, the origins limited to
 * the distribution's security archive (plus what you add), optional automatic reboot at a set time and mail.
 *
 * @example
 * unattendedUpgrades({ automaticReboot: true, automaticRebootTime: '03:00', upgradeTime: '02:30' })
 */
export const unattendedUpgrades = defineRole({
  name: 'unattended-upgrades',
  variables: unattendedUpgradesVariables,
  tasks(vars, { facts }) {
    const known = distributionOrigins(facts.os);
    const security: Origins | undefined = vars.securityOrigins
      ? { allowed: [], patterns: vars.securityOrigins }
      : known?.security;
    if (security === undefined) {
      return [
        task(
          'distribution is supported',
          unsupported(
            `unattended-upgrades: Bosun knows the security archive of Debian and Ubuntu, not of '${facts.os.id || 'this OS'}': set securityOrigins (Origins-Pattern entries).`,
          ),
        ),
      ];
    }
    const updates = vars.updates && known ? known.updates : { allowed: [], patterns: [] };
    const origins: Origins = {
      allowed: [...security.allowed, ...updates.allowed],
      patterns: [...security.patterns, ...updates.patterns, ...vars.extraOrigins],
    };
    const packages = ['unattended-upgrades', ...(vars.aptListchanges ? ['apt-listchanges'] : [])];
    const tasks: Task[] = [
      task('unattended-upgrades installed', apt({ packages })),
      task(
        'daily runs',
        file({
          path: `${confDir}/20auto-upgrades`,
          content: autoUpgradesConfig(vars.enabled),
          mode: '0644',
          validate,
        }),
      ),
      task(
        'origins, reboot and mail',
        file({
          path: `${confDir}/52bosun-unattended-upgrades`,
          content: unattendedUpgradesConfig(vars, origins),
          mode: '0644',
          validate,
        }),
      ),
    ];
    if (vars.upgradeTime !== undefined) {
      tasks.push(
        task('upgrade timer folder', directory({ path: timerDir, mode: '0755' })),
        task(
          `upgrades at ${vars.upgradeTime}`,
          file({
            path: `${timerDir}/50-bosun.conf`,
            content: upgradeTimerDropIn(vars.upgradeTime),
            mode: '0644',
          }),
          { notify: ['reload the upgrade timer'] },
        ),
      );
    } else {
      tasks.push(
        task('default upgrade time', file({ path: `${timerDir}/50-bosun.conf`, state: 'absent' }), {
          notify: ['reload the upgrade timer'],
        }),
      );
    }
    if (vars.enabled) {
      tasks.push(
        task('lists refreshed daily', service({ name: 'apt-daily.timer', enabled: true, state: 'started' })),
        task(
          'upgrades run daily',
          service({ name: 'apt-daily-upgrade.timer', enabled: true, state: 'started' }),
        ),
      );
    }
    return tasks;
  },
  handlers: () => ({
    'reload the upgrade timer': service({
      name: 'apt-daily-upgrade.timer',
      state: 'restarted',
      daemonReload: true,
    }),
  }),
});
