import assert from 'node:assert/strict';
import { playbook } from '../../lib/engine/playbook.js';
import { runInProcess, ThrowawayFleet } from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { fail2ban } from '../../roles/fail2ban/index.js';
import type { Fail2banVariables } from '../../roles/fail2ban/variables.js';

// A configuration fail2ban cannot run is stopped before it reaches the server; a server that dies after
// `systemctl start` said yes is caught by the settle check. fail2ban alone here: no ufw, so it bans
// with nftables (what its package recommends).
describe('fail2ban: bad configurations never reach a running server', function () {
  this.timeout(10 * 60_000);
  let fleet: ThrowawayFleet;
  let host: ThrowawayHost;
  const sh = async (command: string) => {
    const result = await host.exec(command);
    assert.equal(result.code, 0, `${command}: ${result.output}`);
    return result.output;
  };
  const run = (vars: Partial<Fail2banVariables>) =>
    runInProcess(
      playbook({ name: 'fail2ban', plays: [{ name: 'jails', hosts: 'all', roles: [fail2ban(vars)] }] }),
      { inventoryFile: fleet.inventoryFile, knownHostsFile: fleet.knownHostsFile },
    );
  const good: Partial<Fail2banVariables> = { sshd: { ports: [22] } };
  const serverAnswers = async () => {
    assert.equal(await sh('systemctl is-active fail2ban'), 'active\n');
    assert.match(await sh('fail2ban-client ping'), /pong/);
    assert.match(await sh('fail2ban-client status sshd'), /Status for the jail: sshd/);
  };

  before(async () => {
    fleet = await ThrowawayFleet.start([{ name: 'f2b-bad' }]);
    host = fleet.hosts[0];
    const converge = await run(good);
    assert.equal(converge.result.hosts[0].failure, undefined, converge.output);
    assert.match(await sh('fail2ban-client get sshd actions'), /nftables-multiport/);
  });
  after(async () => {
    await fleet?.stop();
  });

  it('rejects a jail with an unknown filter before the reload; the server keeps running the old one', async () => {
    const before = await sh('sha256sum /etc/fail2ban/jail.d/00-bosun.local');
    const startedAt = await sh('systemctl show -p ExecMainStartTimestamp fail2ban');
    const bad = await run({
      ...good,
      jails: { 'web-login': { enabled: true, filter: 'no-such-filter', logpath: '/var/log/dpkg.log' } },
    });
    const failure = bad.result.hosts[0].failure;
    assert.equal(failure?.task, 'jails (tested with fail2ban-client -t)', bad.output);
    assert.match(failure?.message ?? '', /filter\.d\/no-such-filter/);
    assert.match(failure?.message ?? '', /test configuration failed/);
    assert.ok(!bad.result.tasks.some((t) => t.handler), 'no reload ran');
    assert.equal(await sh('sha256sum /etc/fail2ban/jail.d/00-bosun.local'), before, 'the old file stays');
    assert.equal(
      await sh('ls -A /etc/fail2ban/jail.d | grep -c bosun-upload || true'),
      '0\n',
      'no temporary file left',
    );
    assert.equal(await sh('systemctl show -p ExecMainStartTimestamp fail2ban'), startedAt, 'not restarted');
    await serverAnswers();
  });

  it('fails a start that systemd reports as done when the server dies a moment later', async () => {
    // Outside Bosun: a jail whose log does not exist, and the server stopped. Bosun's own file is as wanted,
    // so only the start runs; `systemctl start` succeeds, the server then gives up on the jail.
    await sh(
      "printf '[broken]\\nenabled = true\\nfilter = sshd\\nbackend = auto\\nlogpath = /var/log/no-such-dir/x.log\\n' > /etc/fail2ban/jail.d/zz-broken.local && systemctl stop fail2ban",
    );
    const started = Date.now();
    const dying = await run({ ...good, settleSeconds: 10 });
    const failure = dying.result.hosts[0].failure;
    assert.equal(failure?.task, 'fail2ban running, its jails answering', dying.output);
    assert.match(failure?.message ?? '', /fail2ban did not settle within 10 s/);
    assert.match(failure?.message ?? '', /Have not found any log file for broken jail/);
    assert.ok(Date.now() - started >= 10_000, 'it waited for the server to settle');
    assert.notEqual((await host.exec('systemctl is-active fail2ban')).output.trim(), 'active');

    // The admin's jail removed, the same run starts a server that stays up.
    await sh('rm /etc/fail2ban/jail.d/zz-broken.local');
    const fixed = await run(good);
    assert.equal(fixed.result.hosts[0].failure, undefined, fixed.output);
    await serverAnswers();
  });
});
