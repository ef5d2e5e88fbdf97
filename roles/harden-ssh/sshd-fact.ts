import { defineFact, parseKeyValues } from '../../lib/index.js';

export interface SshdFacts {
  /** The systemd unit that runs sshd: 'ssh' on Debian and Ubuntu, 'sshd' elsewhere; '' when none is installed. */
  service: string;
  /** Ubuntu 22.10+ starts sshd from `ssh.socket`, which ignores `Port` in sshd_config. */
  socketActivated: boolean;
  /** OpenSSH version as 'major.minor', e.g. '9.2'. */
  version: string;
}

/** How the host runs sshd: its unit, socket activation and OpenSSH version. */
export const sshdFact = defineFact<SshdFacts>({
  name: 'sshd',
  script: String.raw`exec 2>/dev/null
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
for unit in ssh sshd; do
  for dir in /etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
    if [ -e "$dir/$unit.service" ]; then
      echo "sshd.unit=$unit"
      echo "sshd.socket_enabled=$(systemctl is-enabled "$unit.socket")"
      echo "sshd.socket_active=$(systemctl is-active "$unit.socket")"
      break 2
    fi
  done
done
echo "sshd.version=$( (sshd -V 2>&1; ssh -V 2>&1) | grep -m1 OpenSSH_)"
exit 0`,
  parse: ({ stdout }) => parseSshdFacts(stdout),
});

export function parseSshdFacts(text: string): SshdFacts {
  const values = parseKeyValues(text);
  const get = (key: string) => values.get(`sshd.${key}`) ?? '';
  return {
    service: get('unit') || 'ssh',
    // Enabled but not yet active still counts: after the next boot the socket owns port 22.
    socketActivated: /^enabled/.test(get('socket_enabled')) || get('socket_active') === 'active',
    version: /OpenSSH_(\d+\.\d+)/.exec(get('version'))?.[1] ?? '',
  };
}
