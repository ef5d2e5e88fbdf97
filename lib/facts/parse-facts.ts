import type { Facts } from './facts.js';
import { parseKeyValues } from './key-values.js';

/**
 * Turns the output of the facts script (`key=value` lines) into Facts. Pure: unit-tested with the output
 * of real hosts. A key the host could not answer becomes a neutral default ('' or false), never an error:
 * facts describe a host, they do not judge it.
 */
export function parseFacts(text: string): Facts {
  const values = parseKeyValues(text);
  const get = (key: string): string => unquote(values.get(key) ?? '');
  const yes = (key: string): boolean => values.get(key) === 'yes';

  const osId = get('os.ID');
  const idLike = get('os.ID_LIKE').split(/\s+/);
  const uid = get('uid');
  return {
    hostname: get('hostname'),
    user: get('user'),
    isRoot: uid === '0',
    os: {
      id: osId,
      versionId: get('os.VERSION_ID'),
      codename: get('os.VERSION_CODENAME'),
      prettyName: get('os.PRETTY_NAME'),
      family: osId === 'debian' || idLike.includes('debian') ? 'debian' : 'other',
    },
    arch: get('arch'),
    debArch: get('deb_arch'),
    kernel: get('kernel'),
    cpus: Number.parseInt(get('cpus'), 10) || 0,
    memoryMb: Math.floor((Number.parseInt(get('mem_kb'), 10) || 0) / 1024),
    init: get('init') === 'systemd' ? 'systemd' : 'other',
    virtualization: get('virt') || 'unknown',
    packageManager: yes('tool.apt-get') ? 'apt' : 'other',
    tools: {
      apt: yes('tool.apt-get'),
      systemctl: yes('tool.systemctl'),
      sudo: yes('tool.sudo'),
      ufw: yes('tool.ufw'),
      docker: yes('tool.docker'),
    },
  };
}

/** os-release values may be quoted ("12 (bookworm)") with shell escapes inside. */
export function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return quoted ? quoted[1].replace(/\\(["$`\\])/g, '$1') : value;
}
