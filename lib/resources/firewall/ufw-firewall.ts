import type { Resource } from '../resource.js';
import { checkExit } from '../commands/run-checked.js';
import { planUfw, type UfwDesired } from './ufw-plan.js';
import type { UfwRule } from './ufw-rule.js';
import { parseUfwState, ufwProbeScript, type UfwLogLevel, type UfwState } from './ufw-state.js';

export interface UfwFirewallOptions {
  /** The rules, in the order ufw should apply them (the first match decides). */
  rules?: UfwRule[];
  /** Delete the rules that are not declared (fail2ban's bans excepted). Default false. */
  purge?: boolean;
  /** Default policies; unset ones are left as they are. */
  defaults?: UfwDesired['defaults'];
  logging?: UfwLogLevel;
  /** Enable (true) or disable (false) the firewall; unset leaves it. */
  enabled?: boolean;
  /** Ports new SSH connections must still reach (a port harden-ssh moves sshd to), besides this connection's own. */
  sshPorts?: number[];
  /** The SSH port as the inventory gives it: kept reachable when the host cannot tell which port this session uses. */
  connectionPort?: number;
}

/**
 * The ufw firewall of a host: rules, default policies, logging and whether it is on, through the ufw CLI,
 * so comments, IPv6 twins and ufw's own files stay as ufw keeps them. The probe reads ufw's files and
 * `ufw status` in one round trip; rules are matched as ufw matches them (everything but action and
 * comment), updated in place, added in the declared order (moving a rule already there when a new one must
 * come first) and, with `purge`, removed when not declared. Before any change the plan checks that new SSH
 * connections still get through to every SSH port, this connection's own included, from this
 * connection's address, and refuses (UFW_WOULD_LOCK_OUT) otherwise. Rules go in before the default
 * policies change and before the firewall is enabled. Wrap it in `guarded()` with a `confirmAccess`
 * handler for a rollback that also covers what the plan cannot see.
 *
 * + rules: `{ rule: 'allow'|'deny'|'reject'|'limit', port?, proto?, from?, to?, direction?, route?, comment? }`
 * + purge, defaults ({ incoming, outgoing, routed }), logging, enabled
 * + sshPorts, connectionPort: what must stay reachable
 *
 * Plan lines: `add limit 22/tcp`, `update allow 80/tcp → limit 80/tcp`, `remove allow 8080/tcp (not declared)`,
 * `re-add ...`, `default incoming: allow → deny`, `logging: low → medium`, `enable the firewall`.
 *
 * @example
 * ufwFirewall({
 *   rules: [{ rule: 'limit', port: 22 }, { rule: 'allow', port: 443 }, { rule: 'allow', port: 6443, from: '10.0.0.0/8' }],
 *   defaults: { incoming: 'deny', outgoing: 'allow' },
 *   enabled: true,
 *   purge: true,
 * })
 */
export function ufwFirewall(options: UfwFirewallOptions): Resource<UfwState> {
  const desired: UfwDesired = {
    rules: options.rules ?? [],
    purge: options.purge ?? false,
    defaults: options.defaults ?? {},
    logging: options.logging,
    enabled: options.enabled,
    sshPorts: options.sshPorts ?? [],
    connectionPort: options.connectionPort,
  };
  return {
    kind: 'ufw',
    id: 'ufw',
    probe: (ctx) => ({
      script: ufwProbeScript,
      parse: (result) => ({
        ...parseUfwState(
          checkExit(ctx.transport.hostName, result, 'probing ufw', { code: 'PROBE_FAILED' }).stdout,
        ),
        asRoot: ctx.facts.isRoot,
      }),
    }),
    plan: (current) => planUfw(current, desired),
  };
}
