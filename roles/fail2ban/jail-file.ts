import { file, fileProbe, mapProbe, parseKeyValues, type FileState, type Resource } from '../../lib/index.js';

/** The firewall fail2ban bans with when its ban action is 'auto'. */
export type BanFirewall = 'ufw' | 'iptables' | 'nftables';

export interface JailFileOptions {
  path: string;
  /** A ban action of action.d, or 'auto' to choose from the host's firewall at the probe. */
  banaction: string;
  /** The file's content for the chosen ban action. */
  render: (banaction: string) => string;
  /** As `file`'s validate. */
  validate: string;
}

/** The content chosen at the probe, and the file's state against it. */
export interface JailFileState {
  content: string;
  file: FileState;
}

/** ufw when it is active (its bans then show in `ufw status`), else iptables, else nftables. */
const firewallScript = String.raw`PATH="$PATH:/usr/sbin:/sbin"
if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -qx 'Status: active'; then echo firewall=ufw
elif command -v iptables >/dev/null 2>&1; then echo firewall=iptables
elif command -v nft >/dev/null 2>&1; then echo firewall=nftables
fi`;

const actionFor: Record<BanFirewall, string> = {
  ufw: 'ufw',
  iptables: 'iptables-multiport',
  nftables: 'nftables-multiport',
};

/**
 * fail2ban's jail file, whose ban action follows the firewall the host runs when it is written, not when
 * the run's facts were gathered: the ufw role earlier in the same play may just have enabled ufw. With
 * 'auto' the one probe script asks for the firewall, then reads the file as `file` does.
 */
export function jailFile(options: JailFileOptions): Resource<JailFileState> {
  const attributes = { mode: '0644', owner: 'root', group: 'root' };
  const resourceFor = (content: string) =>
    file({ path: options.path, content, ...attributes, validate: options.validate });
  return {
    kind: 'file',
    id: options.path,
    probe(ctx) {
      if (options.banaction !== 'auto') {
        const content = options.render(options.banaction);
        return mapProbe(resourceFor(content).probe(ctx), (state) => ({ content, file: state }));
      }
      // The wanted content is known only once the firewall is: --diff then fetches the old content in any case.
      const probe = fileProbe({ path: options.path, ...attributes, content: true }, ctx);
      return {
        env: probe.env,
        script: `(\n${firewallScript}\n)\n${probe.script}`,
        parse: (result) => ({
          content: options.render(banactionFor(result.stdout)),
          file: probe.parse(result),
        }),
      };
    },
    plan: (current) => resourceFor(current.content).plan(current.file),
  };
}

/** The ban action for the firewall the probe found. */
function banactionFor(stdout: string): string {
  const firewall = parseKeyValues(stdout).get('firewall') as BanFirewall | undefined;
  // None yet (check mode on a new host): fail2ban's package recommends nftables first.
  return actionFor[firewall ?? 'nftables'];
}
