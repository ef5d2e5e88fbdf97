import type { Facts } from '../../lib/index.js';
import type { UnattendedUpgradesVariables } from './variables.js';

const header = '// Managed by Bosun (role unattended-upgrades): local changes are overwritten.\n';

/** Origins in the two syntaxes unattended-upgrades reads; it allows a package matching either list. */
export interface Origins {
  /** `origin:archive` entries (Ubuntu's own syntax). */
  allowed: string[];
  /** `key=value,...` entries (Debian's own syntax, and the more general one). */
  patterns: string[];
}

/**
 * The distribution's security origins, and its -updates origin, written as the distribution's own
 * 50unattended-upgrades writes them (the `${distro_id}` and `${distro_codename}` macros are expanded by
 * unattended-upgrade itself), or undefined for a distribution Bosun does not know. Ubuntu's ESM archives
 * only match when Ubuntu Pro enables them.
 */
export function distributionOrigins(os: Facts['os']): { security: Origins; updates: Origins } | undefined {
  if (os.id === 'debian')
    return {
      security: {
        allowed: [],
        patterns: ['origin=Debian,codename=${distro_codename}-security,label=Debian-Security'],
      },
      updates: { allowed: [], patterns: ['origin=Debian,codename=${distro_codename}-updates'] },
    };
  if (os.id === 'ubuntu')
    return {
      security: {
        allowed: [
          '${distro_id}:${distro_codename}-security',
          '${distro_id}ESMApps:${distro_codename}-apps-security',
          '${distro_id}ESM:${distro_codename}-infra-security',
        ],
        patterns: [],
      },
      updates: { allowed: ['${distro_id}:${distro_codename}-updates'], patterns: [] },
    };
  return undefined;
}

/** /etc/apt/apt.conf.d/20auto-upgrades: the daily refresh and run that apt-daily*.timer trigger. */
export function autoUpgradesConfig(enabled: boolean): string {
  const on = enabled ? '1' : '0';
  return `${header}APT::Periodic::Update-Package-Lists "${on}";\nAPT::Periodic::Unattended-Upgrade "${on}";\n`;
}

/**
 * The drop-in read after the package's 50unattended-upgrades. `#clear` empties the lists that file fills,
 * so the origins and the blacklist are exactly these, whatever the package ships.
 */
export function unattendedUpgradesConfig(vars: UnattendedUpgradesVariables, origins: Origins): string {
  const list = (name: string, items: string[]) =>
    [`#clear ${name};`, `${name} {`, ...items.map((item) => `  "${item}";`), '};'].join('\n');
  const value = (name: string, setting: string | boolean) =>
    `Unattended-Upgrade::${name} "${String(setting)}";`;
  return [
    header.trimEnd(),
    list('Unattended-Upgrade::Allowed-Origins', origins.allowed),
    list('Unattended-Upgrade::Origins-Pattern', origins.patterns),
    list('Unattended-Upgrade::Package-Blacklist', vars.packageBlacklist),
    value('Automatic-Reboot', vars.automaticReboot),
    value('Automatic-Reboot-WithUsers', vars.automaticRebootWithUsers),
    value('Automatic-Reboot-Time', vars.automaticRebootTime),
    value('Mail', vars.mail),
    value('MailReport', vars.mailReport),
    value('Remove-Unused-Dependencies', vars.removeUnusedDependencies),
    value('Remove-Unused-Kernel-Packages', vars.removeUnusedKernelPackages),
    '',
  ].join('\n');
}

/** A drop-in for apt-daily-upgrade.timer: one run a day at `time`, without the random delay. */
export function upgradeTimerDropIn(time: string): string {
  return `# Managed by Bosun (role unattended-upgrades)\n[Timer]\nOnCalendar=\nOnCalendar=*-*-* ${time}\nRandomizedDelaySec=0\n`;
}
