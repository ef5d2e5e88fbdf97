import assert from 'node:assert/strict';
import { diffFingerprints, fingerprintHost } from '../../lib/testing/host-fingerprint.js';
import { comparePrediction } from '../../lib/testing/prediction.js';
import { changedTasks, freePort, hostFailure, SshTestHost } from './ssh-test-host.js';
import { stepwise } from '../../lib/testing/index.js';

// Ubuntu 22.10+ starts sshd from ssh.socket, which ignores Port in sshd_config: reproduced on Debian 12 by
// running sshd from its ssh.socket. A port change must reach systemd's socket, and a rollback too.
describe('harden-ssh with socket activation (ssh.socket)', function () {
  this.timeout(15 * 60_000);
  const step = stepwise();
  let host: SshTestHost;
  let droppedPort: number;
  let newPort: number;

  const listening = () => host.exec('ss -ltnpH');

  before(async () => {
    [droppedPort, newPort] = [await freePort(), await freePort()];
    host = await SshTestHost.start('hs-socket', {
      extraPorts: [droppedPort, newPort],
      socketActivated: true,
    });
    await host.exec(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null',
    );
  });
  after(async () => {
    await host?.stop();
  });

  step('the host runs sshd from ssh.socket: systemd holds port 22', async () => {
    assert.equal(
      await host.exec('systemctl is-enabled ssh.socket; systemctl is-enabled ssh.service || true'),
      'enabled\ndisabled\n',
    );
    assert.match(await listening(), /:22\b.*"systemd"/);
  });

  step('a port the firewall drops: the fresh login fails and the socket is restored on port 22', async () => {
    const before = await fingerprintHost(host.host, { paths: ['/etc/ssh', '/etc/systemd/system'] });
    await host.exec(`iptables -I INPUT -p tcp --dport ${droppedPort} -j DROP`);
    const run = await host.run({ ports: [droppedPort] });
    const failure = hostFailure(run.result);
    assert.match(failure ?? run.output, new RegExp(`a fresh SSH login on port ${droppedPort} failed`));
    assert.match(
      failure!,
      /and ran: systemctl daemon-reload && systemctl stop ssh\.service && systemctl restart ssh\.socket\. The host is reachable with its old settings/,
    );
    assert.deepEqual(
      diffFingerprints(
        before,
        await fingerprintHost(host.host, { paths: ['/etc/ssh', '/etc/systemd/system'] }),
      ),
      [],
    );
    assert.match(await listening(), /:22\b.*"systemd"/);
    assert.doesNotMatch(await listening(), new RegExp(`:${droppedPort}\\b`));
    assert.equal(await host.keyLogin(), 'deploy');
  });

  step('check predicts the move; the run moves the socket to the new port and logs in there', async () => {
    const vars = { ports: [newPort] };
    const check = await host.run(vars, { check: true });
    assert.equal(hostFailure(check.result), undefined, check.output);
    const move = await host.run(vars);
    assert.equal(hostFailure(move.result), undefined, move.output);
    assert.deepEqual(comparePrediction(check.result, move.result).missed, []);
    assert.ok(
      changedTasks(move.result).includes(
        'restart sshd: restart ssh.socket (socket activation: systemd listens for sshd)',
      ),
      changedTasks(move.result).join('\n'),
    );
    assert.match(await listening(), new RegExp(`:${newPort}\\b.*"systemd"`));
    assert.doesNotMatch(await listening(), /:22\b/);
    assert.equal(
      await host.exec('cat /etc/systemd/system/ssh.socket.d/bosun-listen.conf'),
      [
        '# Managed by Bosun (role harden-ssh): the ports sshd listens on with socket activation.',
        '[Socket]',
        'ListenStream=',
        'BindIPv6Only=both',
        `ListenStream=${newPort}`,
        '',
      ].join('\n'),
    );
    assert.equal(await host.exec('systemctl is-active ssh.socket'), 'active\n');
    assert.equal(await host.keyLogin(newPort), 'deploy');
  });

  step('the next run connects on the new port and changes nothing', async () => {
    const next = await host.run({ ports: [newPort] }, { port: newPort });
    assert.equal(hostFailure(next.result), undefined, next.output);
    assert.deepEqual(changedTasks(next.result), []);
  });
});
