import type { Fail2banVariables } from './variables.js';

/** What the role decides per host: the ban action, sshd's ports and the backend that reads sshd's log. */
export interface JailSettings {
  banaction: string;
  sshdPorts: number[];
  sshdBackend: string;
}

type Sections = Map<string, Map<string, string>>;

/** Jails that ban on every port use `banaction_allports` (recidive does): the same family as `banaction`. */
export function allportsAction(banaction: string): string {
  if (banaction === 'ufw') return 'ufw';
  if (banaction.startsWith('iptables')) return 'iptables-allports';
  if (banaction.startsWith('nftables')) return 'nftables-allports';
  return banaction;
}

/** The jails the file enables (fail2ban's booleans), which must answer once the server has settled. */
export function enabledJails(vars: Fail2banVariables): string[] {
  return [...jailSections(vars, { banaction: 'ufw', sshdPorts: [22], sshdBackend: 'auto' })]
    .filter(
      ([name, options]) => name !== 'DEFAULT' && /^(true|yes|on|1)$/i.test(options.get('enabled') ?? ''),
    )
    .map(([name]) => name);
}

/**
 * The sections of /etc/fail2ban/jail.d/00-bosun.local, in order: DEFAULT, sshd, recidive, the nginx jails,
 * then the `jails` variable's own sections, whose options also override the role's.
 */
export function jailSections(vars: Fail2banVariables, settings: JailSettings): Sections {
  const sections: Sections = new Map();
  const section = (name: string, options: Record<string, string | number | boolean | undefined>) => {
    const entries = Object.entries(options).filter(
      (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
    );
    sections.set(name, new Map(entries.map(([key, value]) => [key, String(value)])));
  };
  section('DEFAULT', {
    bantime: vars.bantime,
    findtime: vars.findtime,
    maxretry: vars.maxretry,
    ignoreip: vars.ignoreip.join(' '),
    banaction: settings.banaction,
    banaction_allports: allportsAction(settings.banaction),
  });
  section('sshd', {
    enabled: vars.sshd.enabled,
    port: settings.sshdPorts.join(','),
    backend: settings.sshdBackend,
    mode: vars.sshd.mode,
    maxretry: vars.sshd.maxretry,
    bantime: vars.sshd.bantime,
    findtime: vars.sshd.findtime,
  });
  section('recidive', { ...vars.recidive });
  for (const jail of vars.nginx?.jails ?? []) {
    const nginx = vars.nginx!;
    section(jail, {
      enabled: true,
      port: 'http,https',
      logpath: nginx.errorLog,
      maxretry: nginx.maxretry,
      findtime: nginx.findtime,
      bantime: nginx.bantime,
      // A published port is reached through FORWARD, where ufw's and INPUT's bans never look.
      ...(nginx.docker ? { banaction: 'iptables-allports', chain: 'DOCKER-USER' } : {}),
    });
  }
  for (const [name, options] of Object.entries(vars.jails)) {
    const merged = sections.get(name) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(options)) merged.set(key, String(value));
    sections.set(name, merged);
  }
  return sections;
}

/** The file's text. */
export function renderJailConfig(vars: Fail2banVariables, settings: JailSettings): string {
  const header = [
    '# Managed by Bosun (fail2ban role): changes here are overwritten.',
    '# Local additions go in a file read after this one, e.g. /etc/fail2ban/jail.d/zz-local.local.',
  ];
  const body = [...jailSections(vars, settings)].map(
    ([name, options]) => `[${name}]\n${[...options].map(([key, value]) => `${key} = ${value}`).join('\n')}\n`,
  );
  return `${header.join('\n')}\n\n${body.join('\n')}`;
}
