import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { run } from '../actions.js';
import { planUfw, type UfwDesired } from './ufw-plan.js';
import { normalizeUfwRule, type UfwRule } from './ufw-rule.js';
import { parseUfwState, ufwProbeScript, type UfwState } from './ufw-state.js';
import { ufwFirewall } from './ufw-firewall.js';
import type { Probe, ResourceContext } from '../resource.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');

/** A host whose ufw holds these rules, as ufw stores them (IPv6 twins included). */
function host(rules: UfwRule[] = [], overrides: Partial<UfwState> = {}): UfwState {
  const stored: UfwState['rules'] = { 4: [], 6: [] };
  for (const rule of rules) {
    const { tuple, family } = normalizeUfwRule(rule, 'stored');
    if (family !== 6) stored[4].push(tuple);
    if (family !== 4) stored[6].push(tuple);
  }
  return {
    installed: true,
    active: true,
    ipv6: true,
    defaults: { incoming: 'deny', outgoing: 'allow', routed: 'deny' },
    logging: 'low',
    rules: stored,
    asRoot: true,
    session: { client: '172.17.0.1', server: '172.17.0.2', port: 22 },
    ...overrides,
  };
}
const want = (overrides: Partial<UfwDesired>): UfwDesired => ({
  rules: [],
  purge: false,
  defaults: {},
  sshPorts: [],
  ...overrides,
});
/** The ufw commands of the plan's one action, in order. */
const commands = (current: UfwState, desired: UfwDesired) =>
  planUfw(current, desired)
    .actions!.flatMap((action) => (action.kind === 'run' ? action.command.split('\n') : []))
    .filter((line) => line.startsWith('ufw '));
const refused = (current: UfwState, desired: UfwDesired, message: RegExp) =>
  assert.throws(
    () => planUfw(current, desired),
    (error: Error & { code?: string }) => error.code === 'UFW_WOULD_LOCK_OUT' && message.test(error.message),
  );

const useCaseA: UfwRule[] = [
  { rule: 'limit', port: 22, comment: 'ssh' },
  { rule: 'limit', port: 52231, comment: 'ssh (new port)' },
  { rule: 'allow', port: 80 },
  { rule: 'allow', port: 443 },
];

describe('ufw state', () => {
  it('reads ufw files, its status and the SSH session from the probe of a real host', () => {
    const state = parseUfwState(fixture('ufw-probe-active'));
    assert.equal(state.installed, true);
    assert.equal(state.active, true);
    assert.equal(state.ipv6, true);
    assert.deepEqual(state.defaults, { incoming: 'deny', outgoing: 'allow', routed: 'deny' });
    assert.equal(state.logging, 'medium');
    assert.equal(state.rules[4].length, 8);
    assert.equal(state.rules[6].length, 6);
    assert.equal(state.rules[4][0].comment, 'by Fail2Ban after 3 attempts against sshd');
    assert.deepEqual(state.session, { client: '172.17.0.1', server: '172.17.0.2', port: 22 });
  });

  it('reads a host without ufw as ufw’s package defaults', () => {
    const state = parseUfwState('');
    assert.equal(state.installed, false);
    assert.equal(state.active, false);
    assert.deepEqual(state.defaults, { incoming: 'deny', outgoing: 'allow', routed: 'deny' });
    assert.equal(state.session, undefined);
  });

  it('is read by one script, whose failure reads as a failed probe', () => {
    const ctx = { facts: { isRoot: true }, transport: { hostName: 'web1' } } as unknown as ResourceContext;
    const probe = ufwFirewall({}).probe(ctx) as Probe<UfwState>;
    assert.equal(probe.script, ufwProbeScript);
    const state = probe.parse({ code: 0, stdout: fixture('ufw-probe-active'), stderr: '' });
    assert.equal(state.active, true);
    assert.equal(state.asRoot, true, 'from the facts: the ufw commands need root');
    assert.throws(
      () => probe.parse({ code: 2, stdout: '', stderr: 'sh: 1: syntax error' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' && error.message.startsWith('web1: probing ufw failed (exit 2)'),
    );
  });

  it('refuses to guess when ufw’s files are not readable', () => {
    assert.throws(() => parseUfwState('installed=1\nunreadable=/etc/ufw/user.rules\n'), /become/);
  });

  it('ignores user6.rules when IPv6 is off, as ufw does', () => {
    const state = parseUfwState(fixture('ufw-probe-active').replace('IPV6=yes', 'IPV6=no'));
    assert.equal(state.rules[6].length, 0);
  });
});

describe('planUfw', () => {
  it('on a fresh host: every rule, then logging, then enable, waiting for the package', () => {
    const fresh = { ...parseUfwState('login.connection=172.17.0.1 50000 172.17.0.2 22\n'), asRoot: false };
    const desired = want({
      rules: useCaseA,
      defaults: { incoming: 'deny', outgoing: 'allow' },
      logging: 'medium',
      enabled: true,
    });
    const ufwCommands = [
      'ufw limit in proto tcp from any to any port 22 comment ssh',
      "ufw limit in proto tcp from any to any port 52231 comment 'ssh (new port)'",
      'ufw allow in proto tcp from any to any port 80',
      'ufw allow in proto tcp from any to any port 443',
      'ufw logging medium',
      'ufw --force enable',
    ];
    assert.deepEqual(planUfw(fresh, desired), {
      actions: [
        run(
          ['set -e', 'PATH="$PATH:/usr/sbin:/sbin"', ...ufwCommands].join('\n'),
          'changing the ufw firewall',
          'UFW_FAILED',
          { hint: 'ufw needs root: connect as root or set become.' },
        ),
      ],
      changes: [
        'add limit 22/tcp # ssh',
        'add limit 52231/tcp # ssh (new port)',
        'add allow 80/tcp',
        'add allow 443/tcp',
        'logging: low → medium',
        'enable the firewall',
      ],
      needsEarlierChanges: 'ufw is not installed yet',
    });
    assert.deepEqual(commands(fresh, desired), ufwCommands);
  });

  it('changes nothing when the host is as declared', () => {
    assert.deepEqual(
      planUfw(
        host(useCaseA),
        want({ rules: useCaseA, defaults: { incoming: 'deny' }, enabled: true, purge: true }),
      ),
      { actions: [], changes: [] },
    );
  });

  it('sets the default policies after the rules, so SSH is allowed first', () => {
    const current = host([], {
      active: false,
      defaults: { incoming: 'allow', outgoing: 'allow', routed: 'deny' },
    });
    assert.deepEqual(
      commands(
        current,
        want({ rules: [{ rule: 'allow', port: 22 }], defaults: { incoming: 'deny' }, enabled: true }),
      ),
      ['ufw allow in proto tcp from any to any port 22', 'ufw default deny incoming', 'ufw --force enable'],
    );
  });

  it('updates an action or a comment in place', () => {
    const current = host([
      { rule: 'allow', port: 22 },
      { rule: 'allow', port: 80 },
    ]);
    const desired = want({
      rules: [
        { rule: 'limit', port: 22 },
        { rule: 'allow', port: 80, comment: 'web' },
      ],
    });
    assert.deepEqual(planUfw(current, desired).changes, [
      'update allow 22/tcp → limit 22/tcp',
      'update allow 80/tcp → allow 80/tcp # web',
    ]);
    assert.deepEqual(commands(current, desired), [
      'ufw limit in proto tcp from any to any port 22',
      'ufw allow in proto tcp from any to any port 80 comment web',
    ]);
  });

  it('with purge, removes what is not declared, but never fail2ban’s bans', () => {
    const state = { ...parseUfwState(fixture('ufw-probe-active')), asRoot: true };
    const keep: UfwRule[] = [
      { rule: 'limit', port: 22, comment: 'ssh' },
      { rule: 'allow', port: '80,443' },
    ];
    const desired = want({ rules: keep, purge: true });
    assert.deepEqual(planUfw(state, desired).changes, [
      'remove allow 6443/tcp from 10.0.0.0/8 (not declared)',
      'remove route allow 8080/tcp # docker web (not declared)',
      'remove allow OpenSSH (not declared)',
      'remove deny out 25/tcp to 192.0.2.1 (not declared)',
      'remove allow in on eth0 51820/udp (not declared)',
      'remove allow 5432/tcp from 2001:db8::/32 (not declared)',
    ]);
    assert.deepEqual(planUfw(state, { ...desired, purge: false }).changes, [], 'without purge they stay');
  });

  it('keeps the declared order where it matters: a new deny before an allow already there', () => {
    const current = host([{ rule: 'allow', port: 22 }]);
    const desired = want({
      rules: [
        { rule: 'deny', from: '203.0.113.9' },
        { rule: 'allow', port: 22 },
      ],
    });
    assert.deepEqual(planUfw(current, desired).changes, [
      're-add allow 22/tcp (after a rule declared before it)',
      'add deny from 203.0.113.9',
    ]);
    assert.deepEqual(commands(current, desired), [
      'ufw delete allow in proto tcp from any to any port 22',
      'ufw deny in from 203.0.113.9 to any',
      'ufw allow in proto tcp from any to any port 22',
    ]);
    const after = host(desired.rules);
    assert.deepEqual(planUfw(after, desired).changes, [], 'the next run finds the order right');
  });

  it('appends a new rule without moving others when the order cannot matter', () => {
    const current = host([{ rule: 'allow', port: 22 }]);
    const desired = want({
      rules: [
        { rule: 'allow', port: 80 },
        { rule: 'deny', port: 23 },
        { rule: 'allow', port: 22 },
      ],
    });
    assert.deepEqual(planUfw(current, desired).changes, ['add allow 80/tcp', 'add deny 23/tcp']);
  });

  it('adds the missing IPv6 twin of a rule', () => {
    const current = host([{ rule: 'allow', port: 22 }]);
    current.rules[6] = [];
    assert.deepEqual(planUfw(current, want({ rules: [{ rule: 'allow', port: 22 }] })).changes, [
      'add allow 22/tcp (IPv6 only)',
    ]);
  });

  it('sets logging and disables when asked', () => {
    const desired = want({ rules: [{ rule: 'allow', port: 22 }], logging: 'off', enabled: false });
    assert.deepEqual(commands(host([{ rule: 'allow', port: 22 }]), desired), [
      'ufw logging off',
      'ufw disable',
    ]);
  });

  it('refuses two declarations of one ufw rule, and IPv6 rules when ufw has IPv6 off', () => {
    assert.throws(
      () =>
        planUfw(
          host(),
          want({
            rules: [
              { rule: 'allow', port: 22 },
              { rule: 'limit', port: 22 },
            ],
          }),
        ),
      /rules\[0\] and rules\[1\] are the same ufw rule \(limit 22\/tcp\)/,
    );
    assert.throws(
      () =>
        planUfw(
          host([], { ipv6: false }),
          want({ rules: [{ rule: 'allow', port: 22, from: '2001:db8::/32' }] }),
        ),
      /IPV6=no/,
    );
  });

  describe('never locks out', () => {
    it('refuses default deny with no rule for the port this connection arrives on', () => {
      refused(
        host([], { active: false }),
        want({ rules: [{ rule: 'allow', port: 80 }], defaults: { incoming: 'deny' }, enabled: true }),
        /port 22\/tcp from 172\.17\.0\.1 \(the port this SSH connection arrives on\): the default incoming policy is 'deny' and no rule allows it[\s\S]*The firewall was not changed[\s\S]*\{ port: 22, rule: 'limit' \}/,
      );
    });

    it('refuses a rule that denies the SSH port before any allow', () => {
      refused(
        host(),
        want({
          rules: [
            { rule: 'deny', port: 22 },
            { rule: 'allow', port: 22, from: '172.17.0.0/16' },
          ],
        }),
        /the rule 'deny 22\/tcp' denies it/,
      );
      refused(
        host(),
        want({
          rules: [
            { rule: 'reject', from: '172.17.0.0/16' },
            { rule: 'allow', port: 22 },
          ],
        }),
        /'reject from 172\.17\.0\.0\/16' rejects it/,
      );
    });

    it('judges a rule limited to a network by this connection’s own address', () => {
      const rules: UfwRule[] = [{ rule: 'allow', port: 22, from: '10.0.0.0/8' }];
      refused(host(), want({ rules }), /port 22\/tcp from 172\.17\.0\.1/);
      assert.doesNotThrow(() =>
        planUfw(host([], { session: { client: '10.9.8.7', server: '10.0.0.5', port: 22 } }), want({ rules })),
      );
    });

    it('protects the ports of sshPorts too: the new port harden-ssh moves sshd to', () => {
      refused(
        host(),
        want({ rules: [{ rule: 'limit', port: 22 }], sshPorts: [52231] }),
        /port 52231\/tcp from 172\.17\.0\.1 \(in sshPorts\)/,
      );
      assert.doesNotThrow(() =>
        planUfw(
          host(),
          want({
            rules: [
              { rule: 'limit', port: 22 },
              { rule: 'limit', port: 52231 },
            ],
            sshPorts: [22, 52231],
          }),
        ),
      );
    });

    it('refuses a purge that would remove the only SSH rule of an active firewall', () => {
      refused(
        host([{ rule: 'allow', port: 22 }]),
        want({ rules: [{ rule: 'allow', port: 80 }], purge: true }),
        /port 22\/tcp/,
      );
      assert.doesNotThrow(() =>
        planUfw(host([{ rule: 'allow', port: 22 }]), want({ rules: [{ rule: 'allow', port: 80 }] })),
      );
    });

    it('lets a disabled firewall be, and an incoming allow policy', () => {
      assert.doesNotThrow(() =>
        planUfw(host([], { active: false }), want({ rules: [{ rule: 'allow', port: 80 }] })),
      );
      assert.doesNotThrow(() =>
        planUfw(host([], { defaults: { incoming: 'allow', outgoing: 'allow', routed: 'deny' } }), want({})),
      );
    });

    it('without the session, keeps the inventory’s port and gives a network rule the benefit of the doubt', () => {
      const unknown = host([], { session: undefined });
      refused(
        unknown,
        want({ connectionPort: 2222, rules: [{ rule: 'allow', port: 22 }] }),
        /port 2222\/tcp \(the port of this SSH connection\)/,
      );
      assert.doesNotThrow(() =>
        planUfw(
          unknown,
          want({ connectionPort: 22, rules: [{ rule: 'allow', port: 22, from: '10.0.0.0/8' }] }),
        ),
      );
      refused(
        unknown,
        want({ connectionPort: 22, rules: [{ rule: 'deny', port: 22 }] }),
        /'deny 22\/tcp' denies it/,
      );
    });

    it('does not count route, outgoing or UDP rules as SSH access', () => {
      for (const rule of [
        { rule: 'allow', port: 22, route: true },
        { rule: 'allow', port: 22, direction: 'out' },
        { rule: 'allow', port: 22, proto: 'udp' },
      ] satisfies UfwRule[])
        refused(host(), want({ rules: [rule] }), /no rule allows it/);
    });
  });
});
