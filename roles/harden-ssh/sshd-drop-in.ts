import type { SshdCrypto } from './crypto-defaults.js';
import type { HardenSshVariables } from './variables.js';

export const dropInDir = '/etc/ssh/sshd_config.d';
/** `00-` so that it sorts before every other drop-in: sshd keeps the first value it reads. */
export const dropInName = '00-bosun-hardening.conf';
export const dropInPath = `${dropInDir}/${dropInName}`;
export const bannerPath = '/etc/issue.net';
export const hostKeyPath = (type: string) => `/etc/ssh/ssh_host_${type}_key`;

export interface RenderedDropIn {
  content: string;
  /** Lowercase keywords the drop-in sets: what the other configuration files must not override. */
  keywords: string[];
  /** extraSettings that cannot go into the drop-in, each with what to do instead. */
  problems: string[];
}

/** The keywords each variable owns: extraSettings may not set them behind the variable's back. */
const ownedKeywords: Record<string, string> = {
  port: 'ports',
  hostkey: 'hostKeys',
  permitrootlogin: 'permitRootLogin',
  passwordauthentication: 'passwordAuthentication',
  permitemptypasswords: 'passwordAuthentication',
  kbdinteractiveauthentication: 'kbdInteractiveAuthentication',
  challengeresponseauthentication: 'kbdInteractiveAuthentication',
  pubkeyauthentication: 'pubkeyAuthentication',
  allowusers: 'allowUsers',
  allowgroups: 'allowGroups',
  maxauthtries: 'maxAuthTries',
  maxsessions: 'maxSessions',
  logingracetime: 'loginGraceTime',
  clientaliveinterval: 'clientAliveInterval',
  clientalivecountmax: 'clientAliveCountMax',
  x11forwarding: 'x11Forwarding',
  allowagentforwarding: 'allowAgentForwarding',
  allowtcpforwarding: 'allowTcpForwarding',
  permittunnel: 'permitTunnel',
  loglevel: 'logLevel',
  banner: 'banner',
  printmotd: 'printMotd',
  usepam: 'usePam',
  kexalgorithms: 'kexAlgorithms',
  ciphers: 'ciphers',
  macs: 'macs',
  hostkeyalgorithms: 'hostKeyAlgorithms',
};

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/**
 * The sshd settings of the role as the text of its drop-in: pure, from the variables and the algorithm
 * lists chosen for the host's OpenSSH. One `Port` line per port, one `HostKey` line per wanted key type
 * (ECDSA and DSA keys are no longer offered), then the policy, the algorithms and `extraSettings`.
 */
export function renderDropIn(vars: HardenSshVariables, crypto: SshdCrypto): RenderedDropIn {
  const settings: [string, string | number][] = [
    ...vars.ports.map((port): [string, number] => ['Port', port]),
    ...vars.hostKeys.map((type): [string, string] => ['HostKey', hostKeyPath(type)]),
    ['PermitRootLogin', vars.permitRootLogin],
    ['PasswordAuthentication', yesNo(vars.passwordAuthentication)],
    ['PermitEmptyPasswords', 'no'],
    ['KbdInteractiveAuthentication', yesNo(vars.kbdInteractiveAuthentication)],
    ['PubkeyAuthentication', yesNo(vars.pubkeyAuthentication)],
  ];
  if (vars.allowUsers.length > 0) settings.push(['AllowUsers', vars.allowUsers.join(' ')]);
  if (vars.allowGroups.length > 0) settings.push(['AllowGroups', vars.allowGroups.join(' ')]);
  settings.push(
    ['MaxAuthTries', vars.maxAuthTries],
    ['MaxSessions', vars.maxSessions],
    ['LoginGraceTime', vars.loginGraceTime],
    ['ClientAliveInterval', vars.clientAliveInterval],
    ['ClientAliveCountMax', vars.clientAliveCountMax],
    ['X11Forwarding', yesNo(vars.x11Forwarding)],
    ['AllowAgentForwarding', yesNo(vars.allowAgentForwarding)],
    ['AllowTcpForwarding', forwarding(vars.allowTcpForwarding)],
    ['PermitTunnel', forwarding(vars.permitTunnel)],
    ['LogLevel', vars.logLevel],
  );
  if (vars.banner !== undefined) settings.push(['Banner', bannerPath]);
  if (vars.printMotd !== undefined) settings.push(['PrintMotd', yesNo(vars.printMotd)]);
  if (vars.usePam !== undefined) settings.push(['UsePAM', yesNo(vars.usePam)]);
  settings.push(
    ['KexAlgorithms', (vars.kexAlgorithms ?? crypto.kexAlgorithms).join(',')],
    ['Ciphers', (vars.ciphers ?? crypto.ciphers).join(',')],
    ['MACs', (vars.macs ?? crypto.macs).join(',')],
    ['HostKeyAlgorithms', (vars.hostKeyAlgorithms ?? crypto.hostKeyAlgorithms).join(',')],
  );

  const problems: string[] = [];
  for (const [key, value] of Object.entries(vars.extraSettings)) {
    const keyword = key.toLowerCase();
    if (keyword === 'match' || keyword === 'include') {
      problems.push(
        `extraSettings.${key}: ${key} cannot go into the drop-in (it would capture the settings after it); put it in a file of its own in ${dropInDir}.`,
      );
    } else if (ownedKeywords[keyword]) {
      problems.push(`extraSettings.${key}: set it with the role variable '${ownedKeywords[keyword]}'.`);
    } else {
      settings.push([
        key,
        Array.isArray(value) ? value.join(' ') : typeof value === 'boolean' ? yesNo(value) : value,
      ]);
    }
  }

  const content = [
    '# Managed by Bosun (role harden-ssh): changes made here are overwritten.',
    '# sshd keeps the first value it reads for most settings; this file sorts first in',
    `# ${dropInDir}, which /etc/ssh/sshd_config includes before its own settings.`,
    ...settings.map(([key, value]) => `${key} ${value}`),
    '',
  ].join('\n');
  return { content, keywords: [...new Set(settings.map(([key]) => key.toLowerCase()))], problems };
}

function forwarding(value: boolean | string): string {
  return typeof value === 'boolean' ? yesNo(value) : value;
}
