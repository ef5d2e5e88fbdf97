import { executePlan } from '../../lib/resources/execute-plan.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import assert from 'node:assert/strict';
import { gatherFacts } from '../../lib/facts/gather.js';
import { file } from '../../lib/resources/files/file.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import {
  diffFingerprints,
  fingerprintHost,
  type HostFingerprint,
} from '../../lib/testing/host-fingerprint.js';
import { connect } from '../../lib/transport/connect.js';
import type { HardenSshVariables } from '../../roles/harden-ssh/index.js';
import { dropInPath } from '../../roles/harden-ssh/sshd-drop-in.js';
import { dropInValidateCommand } from '../../roles/harden-ssh/validate-drop-in.js';
import { freePort, hostFailure, SshTestHost } from './ssh-test-host.js';
import { stepwise } from '../../lib/testing/index.js';

// What sshd runs from: every drill must leave these exactly as they were.
const sshdFiles = { paths: ['/etc/ssh', '/etc/systemd/system'] };

// Lockout drills on a Debian 12 host (ssh.service): each run must fail with a clear message and leave the
// host reachable on its old settings, either refused by the plan before any change or rolled back.
describe('harden-ssh lockout drills', function () {
  this.timeout(15 * 60_000);
  const step = stepwise();
  let host: SshTestHost;
  let droppedPort: number;
  let pristine: HostFingerprint;

  /** Runs the role and returns the failure it must end with, after checking that nothing stayed changed. */
  async function drill(vars: Partial<HardenSshVariables>, user?: 'root'): Promise<string> {
    const run = await host.run(vars, { user });
    const failure = hostFailure(run.result);
    assert.ok(failure, `the run should have failed:\n${run.output}`);
    assert.deepEqual(diffFingerprints(pristine, await fingerprintHost(host.host, sshdFiles)), []);
    assert.equal(await host.keyLogin(), 'deploy', 'a fresh login on the old port works');
    const sshdT = await host.exec('sshd -T');
    assert.match(sshdT, /^port 22$/m);
    assert.match(sshdT, /^passwordauthentication yes$/m);
    assert.doesNotMatch(await host.exec('systemctl list-timers --all --no-legend'), /bosun-rollback/);
    assert.equal((await host.host.exec('test -e /var/lib/bosun/rollback/harden-ssh')).code, 1);
    return failure;
  }

  before(async () => {
    droppedPort = await freePort();
    host = await SshTestHost.start('hs-drills', { extraPorts: [droppedPort] });
    // The firewall of the last drill, installed before the fingerprint that every drill compares with.
    await host.exec(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null',
    );
    pristine = await fingerprintHost(host.host, sshdFiles);
  });
  after(async () => {
    await host?.stop();
  });

  step('AllowUsers without the connecting user: refused by the plan, before any change', async () => {
    const failure = await drill({ allowUsers: ['alice'] });
    assert.match(
      failure,
      /^\[TASK_FAILED\] hs-drills: harden-ssh refuses these sshd settings; nothing was changed:/,
    );
    assert.match(
      failure,
      /deploy, the user Bosun logs in as, could no longer log in: it is not in AllowUsers \(alice\)/,
    );
  });

  step('PermitRootLogin no while Bosun logs in as root: refused, naming the user to connect as', async () => {
    const failure = await drill({}, 'root');
    assert.match(
      failure,
      /root, the user Bosun logs in as, could no longer log in: PermitRootLogin no refuses root/,
    );
    assert.match(
      failure,
      /deploy can log in with a key afterwards\)\. Connect as deploy with become \(bosun_user: deploy, bosun_become: true\)/,
    );
  });

  step(
    'that AllowUsers with allowLoginChangeForConnectingUser: the fresh login fails, the guard rolls back',
    async () => {
      const failure = await drill({ allowUsers: ['alice'], allowLoginChangeForConnectingUser: true });
      assert.match(failure, /after changing the sshd configuration, a fresh SSH login failed/);
      assert.match(
        failure,
        /Bosun restored the previous sshd configuration \(\/etc\/ssh\/sshd_config\.d\/00-bosun-hardening\.conf, \/etc\/ssh\/moduli, .*\) and ran: systemctl daemon-reload && systemctl reload-or-restart ssh\.service\. The host is reachable with its old settings/,
      );
    },
  );

  step('an option the host OpenSSH does not know: rejected by sshd -t before any change', async () => {
    const failure = await drill({ extraSettings: { FooBarOption: 'yes' } });
    assert.match(failure, /nothing was changed/);
    assert.match(
      failure,
      /sshd -t rejects the planned configuration:\n {4}\/etc\/ssh\/sshd_config\.d\/00-bosun-hardening\.conf line \d+: Bad configuration option: FooBarOption/,
    );
  });

  step(
    'the drop-in is validated again at install, against the whole configuration but the old drop-in',
    async () => {
      const transport = await connect(
        {
          name: host.host.name,
          groups: ['all'],
          vars: {},
          connection: {
            connection: 'ssh',
            address: host.host.address,
            port: host.host.port,
            user: 'deploy',
            privateKeyFile: host.host.privateKeyFile,
            become: true,
          },
        },
        { knownHostsPolicy: 'strict', knownHostsFile: host.knownHostsFile },
      );
      try {
        const ctx: ResourceContext = {
          transport,
          facts: await gatherFacts(transport),
          check: false,
          diff: false,
          reconnect: () => Promise.reject(new Error('not used')),
        };
        const install = async (content: string) => {
          const resource = file({ path: dropInPath, content, validate: dropInValidateCommand });
          const state = await probeOne(resource, ctx);
          await executePlan(resource, resource.plan(state), ctx);
        };
        // An old drop-in that sshd rejects: the validation of its replacement must not read it.
        await host.exec(`printf 'OldBrokenOption yes\\n' > ${dropInPath}`);
        await assert.rejects(install('FooBarOption yes\n'), (error: Error) => {
          assert.match(
            error.message,
            /cannot write \/etc\/ssh\/sshd_config\.d\/00-bosun-hardening\.conf, the old file is unchanged/,
          );
          assert.match(
            error.message,
            /00-bosun-hardening\.conf: line 1: Bad configuration option: FooBarOption/,
          );
          assert.doesNotMatch(error.message, /OldBrokenOption/);
          return true;
        });
        assert.equal(await host.exec(`cat ${dropInPath}`), 'OldBrokenOption yes\n');
        // It is tested with the rest of the real configuration: sshd_config defines Subsystem sftp already.
        await assert.rejects(
          install('Subsystem sftp /usr/lib/openssh/sftp-server\n'),
          /Subsystem 'sftp' already defined/,
        );
        await install('MaxAuthTries 4\n');
        assert.equal(await host.exec(`cat ${dropInPath}`), 'MaxAuthTries 4\n');
        assert.equal(await host.exec('ls -A /etc/ssh/sshd_config.d'), '00-bosun-hardening.conf\n');
        assert.equal(await host.exec('find /tmp -name sshd_config.d'), '', 'no temporary copy is left');
      } finally {
        await transport.close();
        await host.exec(`rm -f ${dropInPath}`);
      }
    },
  );

  step(
    'a new port that a firewall drops: the fresh login fails, the host rolls back to port 22',
    async () => {
      await host.exec(`iptables -I INPUT -p tcp --dport ${droppedPort} -j DROP`);
      const failure = await drill({ ports: [droppedPort] });
      assert.match(failure, new RegExp(`a fresh SSH login on port ${droppedPort} failed`));
      assert.match(
        failure,
        /Bosun restored the previous sshd configuration \(.*\) and ran: systemctl daemon-reload && systemctl reload-or-restart ssh\.service/,
      );
      const listening = await host.exec('ss -ltnH');
      assert.match(listening, /:22\b/);
      assert.doesNotMatch(listening, new RegExp(`:${droppedPort}\\b`));
      console.log(`      the run's message:\n        ${failure.replaceAll('\n', '\n        ')}`);
    },
  );
});
