import assert from 'node:assert/strict';
import { ThrowawayFleet } from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import type { UfwVariables } from '../../roles/ufw/variables.js';
import { changedLines, failureOf, runUfw } from './ufw-run.js';

// Rule changes on a live firewall, through sudo (become: the SSH session is found above sudo, which drops
// SSH_CONNECTION from the environment): purge, the declared order, fail2ban's bans left alone.
describe('ufw: changing the rules of a live firewall', function () {
  this.timeout(10 * 60_000);
  let fleet: ThrowawayFleet;
  let host: ThrowawayHost;
  const sh = async (command: string) => {
    const result = await host.exec(command);
    assert.equal(result.code, 0, `${command}: ${result.output}`);
    return result.output;
  };
  const ufwRules = async () =>
    (await sh('ufw status numbered'))
      .split('\n')
      .filter((line) => /^\[ *\d+\]/.test(line) && !line.includes('(v6)'))
      .map((line) =>
        line
          .replace(/^\[ *\d+\] +/, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );

  const first: Partial<UfwVariables> = {
    rules: [
      { rule: 'allow', port: 22, comment: 'ssh' },
      { rule: 'allow', port: 80 },
      { rule: 'allow', port: 8080, comment: 'temp' },
      { rule: 'allow', port: 6443, from: '10.0.0.0/8' },
    ],
  };
  const second: Partial<UfwVariables> = {
    purge: true,
    rules: [
      { rule: 'deny', from: '203.0.113.9', comment: 'scanner' },
      { rule: 'allow', port: 22, comment: 'ssh' },
      { rule: 'allow', port: 80, comment: 'web' },
      { rule: 'allow', port: 6443, from: '10.0.0.0/8' },
    ],
  };

  before(async () => {
    fleet = await ThrowawayFleet.start([{ name: 'ufw-changes', vars: { bosun_become: true } }]);
    host = fleet.hosts[0];
    const converge = await runUfw(fleet, first);
    assert.equal(failureOf(converge.result), undefined, converge.output);
  });
  after(async () => {
    await fleet?.stop();
  });

  it('purges undeclared rules and keeps the declared order, without ever disabling the firewall', async () => {
    // A ban of fail2ban's ufw action and a rule added by hand.
    await sh(
      "ufw prepend reject from 203.0.113.50 to any comment 'by Fail2Ban after 3 attempts against sshd'",
    );
    await sh('ufw allow 9999/tcp');

    // Watch the INPUT policy while the run changes the rules: `ufw disable` would turn it to ACCEPT.
    await sh('rm -f /tmp/stop-watch');
    const watching = host.exec(
      'while [ ! -e /tmp/stop-watch ]; do iptables -S INPUT | head -n 1; sleep 0.05; done | sort | uniq -c',
    );
    const run = await runUfw(fleet, second);
    await sh('touch /tmp/stop-watch');
    const watched = (await watching).output.trim();
    assert.equal(failureOf(run.result), undefined, run.output);
    assert.match(watched, /^\d+ -P INPUT DROP$/, `the firewall stayed up: ${watched}`);

    assert.deepEqual(changedLines(run.result), [
      'firewall rules, policies and logging: re-add allow 22/tcp # ssh (after a rule declared before it)',
      'firewall rules, policies and logging: re-add allow 80/tcp # web (after a rule declared before it)',
      'firewall rules, policies and logging: add deny from 203.0.113.9 # scanner',
      'firewall rules, policies and logging: remove allow 8080/tcp # temp (not declared)',
      'firewall rules, policies and logging: remove allow 9999/tcp (not declared)',
      'confirm SSH access: log in afresh, then cancel the rollback',
    ]);
    assert.deepEqual(await ufwRules(), [
      'Anywhere REJECT IN 203.0.113.50 # by Fail2Ban after 3 attempts against sshd',
      '6443/tcp ALLOW IN 10.0.0.0/8',
      'Anywhere DENY IN 203.0.113.9 # scanner',
      '22/tcp ALLOW IN Anywhere # ssh',
      '80/tcp ALLOW IN Anywhere # web',
    ]);

    const again = await runUfw(fleet, second);
    assert.deepEqual(changedLines(again.result), [], again.output);
  });

  it('updates a rule in place: allow to limit', async () => {
    const limited = {
      ...second,
      rules: second.rules!.map((r) => (r.port === 80 ? { ...r, rule: 'limit' as const } : r)),
    };
    const run = await runUfw(fleet, limited);
    assert.deepEqual(changedLines(run.result), [
      'firewall rules, policies and logging: update allow 80/tcp # web → limit 80/tcp # web',
      'confirm SSH access: log in afresh, then cancel the rollback',
    ]);
    assert.equal((await ufwRules())[4], '80/tcp LIMIT IN Anywhere # web');
  });

  it('refuses a purge that would drop the SSH rule, finding the session through sudo', async () => {
    const run = await runUfw(fleet, { purge: true, rules: [{ rule: 'allow', port: 80 }] });
    assert.match(
      failureOf(run.result)?.message ?? '',
      /port 22\/tcp from 172\.\d+\.\d+\.\d+ \(the port this SSH connection arrives on\): the default incoming policy is 'deny'/,
    );
    assert.ok((await ufwRules()).includes('22/tcp ALLOW IN Anywhere # ssh'));
  });
});
