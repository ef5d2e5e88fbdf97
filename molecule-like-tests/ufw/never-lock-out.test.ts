import assert from 'node:assert/strict';
import { ThrowawayFleet } from '../../lib/testing/index.js';
import { diffFingerprints, fingerprintHost } from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { changedLines, failureOf, runUfw } from './ufw-run.js';

// The firewall lockout drills of issue 3, on one throwaway host: each refused or rolled-back run leaves
// the host reachable with its old firewall, and says why. sshd listens on 22 inside the container; Bosun
// reaches it through Docker's port mapping, so the host sees this test's logins coming from the Docker
// bridge (172.17.0.1 or so) to port 22.
describe('ufw: never lock out', function () {
  this.timeout(10 * 60_000);
  let fleet: ThrowawayFleet;
  let host: ThrowawayHost;
  const ufwFiles = { paths: ['/etc/ufw', '/etc/default/ufw', '/var/lib/bosun'] };
  const sh = async (command: string) => {
    const result = await host.exec(command);
    assert.equal(result.code, 0, `${command}: ${result.output}`);
    return result.output;
  };

  before(async () => {
    fleet = await ThrowawayFleet.start([{ name: 'ufw-lockout' }]);
    host = fleet.hosts[0];
  });
  after(async () => {
    await fleet?.stop();
  });

  it('refuses default deny with no SSH rule, in check mode and before any change to the firewall', async () => {
    const vars = { rules: [{ rule: 'allow' as const, port: 80 }] };
    const check = await runUfw(fleet, vars, { check: true });
    assert.match(failureOf(check.result)?.message ?? '', /refusing the firewall change, it would block SSH/);
    assert.notEqual((await host.exec('command -v ufw')).code, 0, 'check mode installed nothing');

    const first = await runUfw(fleet, vars);
    const failure = failureOf(first.result);
    assert.equal(failure?.task, 'firewall rules, policies and logging');
    assert.match(
      failure?.message ?? '',
      /port 22\/tcp from 172\.\d+\.\d+\.\d+ \(the port this SSH connection arrives on\): the default incoming policy is 'deny' and no rule allows it/,
    );
    assert.match(failure?.message ?? '', /The firewall was not changed/);
    // The package went in (the task before), the firewall did not move.
    assert.match(await sh('ufw status'), /^Status: inactive$/m);
    assert.equal(await sh("grep -c '^### tuple' /etc/ufw/user.rules || true"), '0\n');
    assert.notEqual(
      (await host.exec('test -e /var/lib/bosun/rollback/ufw')).code,
      0,
      'no rollback was armed',
    );

    // Refused again with ufw installed: not a file under /etc/ufw changes.
    const before = await fingerprintHost(host, ufwFiles);
    const again = await runUfw(fleet, vars);
    assert.match(failureOf(again.result)?.message ?? '', /would block SSH/);
    assert.deepEqual(diffFingerprints(before, await fingerprintHost(host, ufwFiles)), []);
  });

  it('refuses a rule that denies the SSH port to this connection before the allow', async () => {
    const run = await runUfw(fleet, {
      rules: [
        { rule: 'deny', port: 22, from: '172.16.0.0/12' },
        { rule: 'allow', port: 22 },
      ],
    });
    assert.match(
      failureOf(run.result)?.message ?? '',
      /port 22\/tcp from 172\.\d+\.\d+\.\d+ \(the port this SSH connection arrives on\): the rule 'deny 22\/tcp from 172\.16\.0\.0\/12' denies it/,
    );
    assert.match(await sh('ufw status'), /^Status: inactive$/m);
  });

  it('refuses SSH only from admin networks that do not hold this connection’s address (use case D)', async () => {
    const run = await runUfw(fleet, {
      rules: [
        { rule: 'allow', port: 22, from: '10.0.0.0/8' },
        { rule: 'allow', port: 80 },
      ],
    });
    assert.match(failureOf(run.result)?.message ?? '', /port 22\/tcp from 172\.\d+\.\d+\.\d+/);
    assert.match(await sh('ufw status'), /^Status: inactive$/m);

    // Declared with the network the admin really comes from, it converges, and ufw enforces it.
    const vars = {
      rules: [
        { rule: 'allow' as const, port: 22, from: '172.16.0.0/12', comment: 'admin network' },
        { rule: 'allow' as const, port: '30000:32767', from: '192.0.2.10', comment: 'load balancer' },
        { rule: 'allow' as const, port: 443 },
      ],
    };
    const converge = await runUfw(fleet, vars);
    assert.equal(failureOf(converge.result), undefined, converge.output);
    const status = await sh('ufw status');
    assert.match(status, /^22\/tcp +ALLOW +172\.16\.0\.0\/12 +# admin network$/m);
    assert.match(status, /^30000:32767\/tcp +ALLOW +192\.0\.2\.10 +# load balancer$/m);
    assert.doesNotMatch(status, /^22\/tcp \(v6\)/m, 'an IPv4 network makes an IPv4-only rule');
    const again = await runUfw(fleet, vars);
    assert.deepEqual(changedLines(again.result), []);
  });

  it('rolls back when the fresh login fails after the change (a hand-edited before.rules drops new SSH)', async () => {
    // Start from a firewall that is off, as on a new server.
    await sh('ufw --force reset >/dev/null && ufw status');
    // What the plan cannot see: an admin's line in before.rules that drops new connections to port 22.
    // Established connections (this run's own) still pass: ufw accepts them before.
    await sh(
      "sed -i '/^-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT$/a -A ufw-before-input -p tcp --dport 22 -m conntrack --ctstate NEW -j DROP' /etc/ufw/before.rules && grep -c 'dport 22 -m conntrack --ctstate NEW -j DROP' /etc/ufw/before.rules",
    );
    const userRulesBefore = await sh('cat /etc/ufw/user.rules /etc/ufw/ufw.conf /etc/default/ufw');

    const run = await runUfw(fleet, { rules: [{ rule: 'limit', port: 22 }], logging: 'high' });
    const failure = failureOf(run.result);
    assert.equal(failure?.task, 'confirm SSH access', run.output);
    assert.match(failure?.message ?? '', /after changing the firewall, a fresh SSH login failed/);
    assert.match(
      failure?.message ?? '',
      /restored the previous firewall \(\/etc\/ufw, \/etc\/default\/ufw\)/,
    );
    assert.match(failure?.message ?? '', /host is reachable with its old settings/);
    // The change was made (the rules task changed) and undone: off again, the old files back.
    assert.ok(changedLines(run.result).includes('firewall rules, policies and logging: enable the firewall'));
    assert.match(await sh('ufw status'), /^Status: inactive$/m);
    assert.equal(await sh('cat /etc/ufw/user.rules /etc/ufw/ufw.conf /etc/default/ufw'), userRulesBefore);
    assert.notEqual((await host.exec('test -e /var/lib/bosun/rollback/ufw')).code, 0);
    assert.doesNotMatch(await sh('systemctl list-timers --all --no-legend'), /bosun-rollback/);

    // Reachable: a new run logs in (and, the admin's line removed, converges).
    await sh("sed -i '/--dport 22 -m conntrack --ctstate NEW -j DROP/d' /etc/ufw/before.rules");
    const next = await runUfw(fleet, { rules: [{ rule: 'limit', port: 22 }], logging: 'high' });
    assert.equal(failureOf(next.result), undefined, next.output);
    assert.match(await sh('ufw status verbose'), /^Status: active$/m);
  });
});
