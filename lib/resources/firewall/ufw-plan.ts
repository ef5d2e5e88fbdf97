import { OptionsError, TaskError } from '../../errors.js';
import { sh } from '../../transport/shell.js';
import { run } from '../actions.js';
import { rootHint } from '../commands/run-checked.js';
import type { Plan } from '../resource.js';
import { sshAccessProblems, type SshPort } from './ufw-ssh-access.js';
import {
  baseAction,
  describeUfwRule,
  normalizeUfwRule,
  tupleKey,
  tuplesOverlap,
  ufwRuleArgs,
  type DeclaredUfwRule,
  type UfwRule,
  type UfwTuple,
} from './ufw-rule.js';
import type { UfwLogLevel, UfwPolicy, UfwState } from './ufw-state.js';

/** The firewall a play wants; an unset field leaves the host's setting as it is. */
export interface UfwDesired {
  rules: UfwRule[];
  /** Delete the rules that are not declared (fail2ban's bans excepted). */
  purge: boolean;
  defaults: Partial<Record<'incoming' | 'outgoing' | 'routed', UfwPolicy>>;
  logging?: UfwLogLevel;
  enabled?: boolean;
  /** Ports that new SSH connections must still reach, besides the one this connection arrives on. */
  sshPorts: number[];
  /** This connection's port as the control machine sees it, kept reachable when the host cannot tell its own. */
  connectionPort?: number;
}

/** One ufw command (its arguments after `ufw`), with its plan line when it has one. */
export interface UfwStep {
  args: string[];
  line?: string;
}

/** fail2ban's ufw action writes its bans as ufw rules with this comment: purge leaves them alone. */
const isFail2banBan = (tuple: UfwTuple) => tuple.comment.startsWith('by Fail2Ban');

/** The plan of ufw: pure, from the probed state. Throws when the change would block SSH. */
export function planUfw(current: UfwState, desired: UfwDesired): Plan {
  const steps = ufwSteps(current, desired);
  if (steps.length === 0) return { actions: [], changes: [] };
  // One round trip; `set -e` stops at the first refusal, and the rollback guard restores the files.
  const script = [
    'set -e',
    'PATH="$PATH:/usr/sbin:/sbin"',
    ...steps.map((step) => String(sh`ufw ${step.args}`)),
  ];
  return {
    actions: [
      run(script.join('\n'), 'changing the ufw firewall', 'UFW_FAILED', {
        ...rootHint(current.asRoot, 'ufw needs root'),
      }),
    ],
    changes: steps.flatMap((step) => (step.line ? [step.line] : [])),
    ...(current.installed ? {} : { needsEarlierChanges: 'ufw is not installed yet' }),
  };
}

/**
 * The ufw commands that turn the current firewall into the desired one, in a safe order: rules first
 * (declared order kept where it matters), then the removal of undeclared ones, then the default policies,
 * logging, and enabling last, so the SSH rules are in place before anything can block. Throws a TaskError,
 * before any change, when the result would block a port SSH needs.
 */
export function ufwSteps(current: UfwState, desired: UfwDesired): UfwStep[] {
  const declared = declare(desired.rules, current.ipv6);
  const familiesOf = (rule: DeclaredUfwRule): Array<4 | 6> =>
    rule.family ? [rule.family] : current.ipv6 ? [4, 6] : [4];
  const indexOf = new Map(declared.map((rule, i) => [tupleKey(rule.tuple), i]));

  // What stays where it is, per family, and what goes.
  const kept: Record<4 | 6, Array<{ tuple: UfwTuple; declared?: number }>> = { 4: [], 6: [] };
  const existing = new Map<number, UfwTuple>();
  const removals = new Map<string, UfwTuple>();
  for (const family of [4, 6] as const) {
    for (const tuple of current.rules[family]) {
      const index = indexOf.get(tupleKey(tuple));
      if (index !== undefined) {
        kept[family].push({ tuple, declared: index });
        existing.set(index, tuple);
      } else if (desired.purge && !isFail2banBan(tuple)) {
        removals.set(ufwRuleArgs(tuple, { remove: true }).join('\0'), tuple);
      } else kept[family].push({ tuple });
    }
  }
  const presentIn = (index: number, family: 4 | 6) => kept[family].some((slot) => slot.declared === index);
  const incomplete = new Set(
    declared.flatMap((rule, i) => (familiesOf(rule).every((f) => presentIn(i, f)) ? [] : [i])),
  );

  // ufw appends new rules; a declared rule that must come before one already there moves that one behind it.
  const moved = new Set<number>();
  const appended = (index: number, family: 4 | 6) =>
    familiesOf(declared[index]).includes(family) && (moved.has(index) || !presentIn(index, family));
  /** The rules of one family after the change, in ufw's order; `declared` marks the declared ones. */
  const sequence = (family: 4 | 6) => [
    ...kept[family].filter((slot) => slot.declared === undefined || !moved.has(slot.declared)),
    ...declared.flatMap((rule, i) => (appended(i, family) ? [{ tuple: rule.tuple, declared: i }] : [])),
  ];
  const pairs = conflictingPairs(declared);
  for (let changed = true; changed;) {
    changed = false;
    for (const family of [4, 6] as const) {
      const position = new Map(
        sequence(family).flatMap((slot, at) => (slot.declared === undefined ? [] : [[slot.declared, at]])),
      );
      for (const [i, j] of pairs) {
        const [pi, pj] = [position.get(i), position.get(j)];
        if (pi !== undefined && pj !== undefined && pj < pi && !moved.has(j)) {
          moved.add(j);
          changed = true;
        }
      }
    }
  }

  const final = (family: 4 | 6) =>
    sequence(family).map((slot) =>
      slot.declared === undefined ? slot.tuple : declared[slot.declared].tuple,
    );
  const outcome = {
    enabled: desired.enabled ?? current.active,
    incoming: desired.defaults.incoming ?? current.defaults.incoming,
    ipv6: current.ipv6,
    rules: { 4: final(4), 6: final(6) },
  };
  refuseLockout(current, desired, outcome);

  const steps: UfwStep[] = [];
  for (const index of [...moved].sort((a, b) => a - b)) {
    const now = existing.get(index);
    if (now)
      steps.push({
        args: ufwRuleArgs(now, { remove: true }),
        line: `re-add ${describeUfwRule(declared[index].tuple)} (after a rule declared before it)`,
      });
  }
  declared.forEach((rule, i) => {
    const now = existing.get(i);
    if (!now || moved.has(i) || incomplete.has(i)) return;
    if (now.action !== rule.tuple.action || now.comment !== rule.tuple.comment)
      steps.push({
        args: ufwRuleArgs(rule.tuple),
        line: `update ${describeUfwRule(now)} → ${describeUfwRule(rule.tuple)}`,
      });
  });
  declared.forEach((rule, i) => {
    if (moved.has(i) && existing.has(i)) steps.push({ args: ufwRuleArgs(rule.tuple) });
    else if (moved.has(i) || incomplete.has(i)) {
      const missing = familiesOf(rule).filter((family) => !presentIn(i, family));
      const only = missing.length < familiesOf(rule).length ? ` (IPv${missing.join(', IPv')} only)` : '';
      steps.push({ args: ufwRuleArgs(rule.tuple), line: `add ${describeUfwRule(rule.tuple)}${only}` });
    }
  });
  for (const tuple of removals.values())
    steps.push({
      args: ufwRuleArgs(tuple, { remove: true }),
      line: `remove ${describeUfwRule(tuple)} (not declared)`,
    });
  for (const direction of ['incoming', 'outgoing', 'routed'] as const) {
    const want = desired.defaults[direction];
    if (want !== undefined && want !== current.defaults[direction])
      steps.push({
        args: ['default', want, direction],
        line: `default ${direction}: ${current.defaults[direction]} → ${want}`,
      });
  }
  if (desired.logging !== undefined && desired.logging !== current.logging)
    steps.push({
      args: ['logging', desired.logging],
      line: `logging: ${current.logging} → ${desired.logging}`,
    });
  if (desired.enabled === true && !current.active)
    steps.push({ args: ['--force', 'enable'], line: 'enable the firewall' });
  if (desired.enabled === false && current.active)
    steps.push({ args: ['disable'], line: 'disable the firewall' });
  return steps;
}

function declare(rules: UfwRule[], ipv6: boolean): DeclaredUfwRule[] {
  const declared = rules.map((rule, i) => normalizeUfwRule(rule, `rules[${i}]`));
  const seen = new Map<string, string>();
  for (const rule of declared) {
    const key = tupleKey(rule.tuple);
    const twin = seen.get(key);
    if (twin)
      throw new OptionsError(
        'UFW_RULE_INVALID',
        `ufw ${twin} and ${rule.where} are the same ufw rule (${describeUfwRule(rule.tuple)}); ufw keeps one action per rule: ` +
          `'limit' already allows (with a rate limit), so declare it once.`,
      );
    seen.set(key, rule.where);
    if (rule.family === 6 && !ipv6)
      throw new OptionsError(
        'UFW_RULE_INVALID',
        `ufw ${rule.where} uses an IPv6 address, but IPv6 is off in /etc/default/ufw (IPV6=no).`,
      );
  }
  return declared;
}

/** Pairs (i, j), i declared before j, whose order changes what ufw does: overlapping, with different actions. */
function conflictingPairs(declared: DeclaredUfwRule[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  declared.forEach((a, i) =>
    declared.forEach((b, j) => {
      if (i < j && baseAction(a.tuple) !== baseAction(b.tuple) && tuplesOverlap(a.tuple, b.tuple))
        pairs.push([i, j]);
    }),
  );
  return pairs;
}

function refuseLockout(
  current: UfwState,
  desired: UfwDesired,
  outcome: Parameters<typeof sshAccessProblems>[0],
): void {
  const ports = new Map<number, string[]>();
  const need = (port: number, why: string) => ports.set(port, [...(ports.get(port) ?? []), why]);
  desired.sshPorts.forEach((port) => need(port, 'in sshPorts'));
  if (current.session) need(current.session.port, 'the port this SSH connection arrives on');
  else if (desired.connectionPort !== undefined)
    need(desired.connectionPort, 'the port of this SSH connection');
  const wanted: SshPort[] = [...ports].map(([port, why]) => ({ port, why: why.join('; ') }));
  const problems = sshAccessProblems(outcome, wanted, current.session);
  if (problems.length === 0) return;
  throw new TaskError(
    'UFW_WOULD_LOCK_OUT',
    `ufw: refusing the firewall change, it would block SSH:\n  - ${problems.map((p) => p.text).join('\n  - ')}\n` +
      `The firewall was not changed. Allow the port before any rule that denies it, e.g. { port: ${problems[0].port}, rule: 'limit' } ` +
      `(or 'allow', with 'from' holding the address above), or take it out of sshPorts if sshd no longer listens there.`,
  );
}
