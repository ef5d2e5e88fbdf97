import { parseKeyValues } from '../../lib/facts/key-values.js';
import { file } from '../../lib/resources/files/file.js';
import type { FileState } from '../../lib/resources/files/file.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import { executePlan } from '../../lib/resources/execute-plan.js';
import type { Resource } from '../../lib/resources/resource.js';
import { runChecked } from '../../lib/resources/commands/run-checked.js';

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
 * 'auto' the probe asks the host first (one more round trip); otherwise it probes as a plain `file`.
 */
export function jailFile(options: JailFileOptions): Resource<JailFileState> {
  const resourceFor = (content: string) =>
    file({
      path: options.path,
      content,
      mode: '0644',
      owner: 'root',
      group: 'root',
      validate: options.validate,
    });
  return {
    kind: 'file',
    id: options.path,
    async probe(ctx) {
      let banaction = options.banaction;
      if (banaction === 'auto') {
        const result = await runChecked(ctx.transport, firewallScript, 'finding the firewall', {
          code: 'PROBE_FAILED',
        });
        const firewall = parseKeyValues(result.stdout).get('firewall') as BanFirewall | undefined;
        // None yet (check mode on a new host): fail2ban's package recommends nftables first.
        banaction = actionFor[firewall ?? 'nftables'];
      }
      const content = options.render(banaction);
      return { content, file: await probeOne(resourceFor(content), ctx) };
    },
    plan: (current) => resourceFor(current.content).plan(current.file),
    apply: (ctx, current, plan) => executePlan(resourceFor(current.content), plan, current.file, ctx),
  };
}
