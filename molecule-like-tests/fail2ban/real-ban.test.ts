import assert from 'node:assert/strict';
import { Network, type StartedNetwork } from 'testcontainers';
import { playbook } from '../../lib/engine/playbook.js';
import { runInProcess, ThrowawayFleet, ThrowawayHost } from '../../lib/testing/index.js';
import { fail2ban } from '../../roles/fail2ban/index.js';

// The sshd jail end to end: a second host on the same network fails to log in as an unknown user until
// fail2ban, reading sshd's journal, bans its address in the firewall and its next connection is dropped.
describe('fail2ban: the sshd jail bans an address that keeps failing to log in', function () {
  this.timeout(10 * 60_000);
  let network: StartedNetwork;
  let fleet: ThrowawayFleet;
  let attacker: ThrowawayHost;

  before(async () => {
    network = await new Network().start();
    fleet = await ThrowawayFleet.start([{ name: 'f2b-target', options: { network } }]);
    attacker = await ThrowawayHost.start({ name: 'f2b-attacker', network, aptCache: false });
  });
  after(async () => {
    await Promise.all([fleet?.stop(), attacker?.stop()]);
    await network?.stop();
  });

  it('bans the attacker after maxretry failures, and only the attacker', async () => {
    const converge = await runInProcess(
      playbook({
        name: 'fail2ban',
        plays: [{ name: 'jails', hosts: 'all', roles: [fail2ban({ maxretry: 3, sshd: { ports: [22] } })] }],
      }),
      { inventoryFile: fleet.inventoryFile, knownHostsFile: fleet.knownHostsFile },
    );
    assert.equal(converge.result.hosts[0].failure, undefined, converge.output);
    const target = fleet.hosts[0];
    // The attacker's address as the target sees it: its name on the shared network.
    const attackerAddress = (
      await target.exec("getent hosts f2b-attacker | awk '{ print $1 }'")
    ).output.trim();
    assert.match(attackerAddress, /^\d+\.\d+\.\d+\.\d+$/);

    // Unknown user, no key: sshd logs "Invalid user" for each try; ssh records the target's key itself.
    const attempt = () =>
      attacker.exec(
        'ssh -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/tmp/kh intruder@f2b-target true',
      );
    for (let i = 0; i < 4; i++) assert.notEqual((await attempt()).code, 0);

    let status = '';
    for (let i = 0; i < 40 && !status.includes(attackerAddress); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = (await target.exec('fail2ban-client status sshd')).output;
    }
    assert.match(
      status,
      new RegExp(`Banned IP list:\\s+${attackerAddress.replaceAll('.', '\\.')}\\s*$`, 'm'),
    );
    const dropped = await attempt();
    assert.match(dropped.output, /timed out|refused|closed|reset/i, 'the banned address cannot reach sshd');
    const control = await runInProcess(
      playbook({ name: 'still reachable', plays: [{ name: 'ping', hosts: 'all', tasks: () => [] }] }),
      { inventoryFile: fleet.inventoryFile, knownHostsFile: fleet.knownHostsFile },
    );
    assert.equal(control.result.hosts[0].unreachable, false, 'the control machine is not banned');
  });
});
