import assert from 'node:assert/strict';
import { diffFingerprints, fingerprintHost } from '../../lib/testing/host-fingerprint.js';
import { comparePrediction } from '../../lib/testing/prediction.js';
import type { CapturedRun } from '../../lib/testing/run-in-process.js';
import type { HardenSshVariables } from '../../roles/harden-ssh/index.js';
import { changedTasks, freePort, hostFailure, SshTestHost } from './ssh-test-host.js';
import { stepwise } from '../../lib/testing/index.js';

const vars: Partial<HardenSshVariables> = {
  allowUsers: ['deploy', 'alice'],
  banner: 'Authorised access only. Activity is logged.',
};

/** Values of `sshd -T` lines, by keyword (the last line wins for repeated keywords). */
function sshdT(output: string): Map<string, string> {
  return new Map(
    output
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
  );
}

// The molecule-like scenario of harden-ssh on a Debian 12 host where systemd runs ssh.service: check on the
// fresh host, converge, check predicted converge, idempotence, verify with the real tools, then a port move.
describe('harden-ssh on Debian 12 (ssh.service)', function () {
  this.timeout(15 * 60_000);
  const step = stepwise();
  let host: SshTestHost;
  let newPort: number;
  const runs: { check?: CapturedRun; converge?: CapturedRun } = {};

  before(async () => {
    newPort = await freePort();
    host = await SshTestHost.start('hs-main', { extraPorts: [newPort] });
    // A small RSA host key, as on hosts installed long ago: the role must replace it.
    await host.exec(
      "rm -f /etc/ssh/ssh_host_rsa_key* && ssh-keygen -q -t rsa -b 2048 -N '' -f /etc/ssh/ssh_host_rsa_key && systemctl restart ssh",
    );
  });
  after(async () => {
    await host?.stop();
  });

  step('the fresh host lets alice in with a password (so the refusal later proves something)', async () => {
    assert.equal(await host.passwordLogin(), 'accepted');
  });

  step('check on the fresh host: writes nothing and predicts every change', async () => {
    const before = await fingerprintHost(host.host);
    runs.check = await host.run(vars, { check: true, diff: true });
    const after = await fingerprintHost(host.host);
    assert.equal(hostFailure(runs.check.result), undefined, runs.check.output);
    assert.deepEqual(diffFingerprints(before, after), [], 'check mode wrote to the host');
    const changed = changedTasks(runs.check.result);
    assert.deepEqual(
      changed.map((line) => line.slice(0, line.indexOf(':'))),
      [
        'sshd host key rsa',
        'remove Diffie-Hellman moduli under 3072 bits',
        'sshd settings in /etc/ssh/sshd_config.d/00-bosun-hardening.conf',
        'login banner',
        'restart sshd',
        'confirm sshd access',
      ],
      runs.check.output,
    );
    assert.ok(changed.some((line) => /replace the 2048-bit RSA host key .* with a 4096-bit one/.test(line)));
    assert.match(runs.check.output, /\+PasswordAuthentication no/, 'the check run shows the diff');
  });

  step('converge: the real run fails no host', async () => {
    runs.converge = await host.run(vars);
    assert.equal(hostFailure(runs.converge.result), undefined, runs.converge.output);
  });

  step('check predicted exactly what converge changed', async () => {
    const { missed, unexpected } = comparePrediction(runs.check!.result, runs.converge!.result);
    assert.deepEqual({ missed, unexpected }, { missed: [], unexpected: [] });
  });

  step('idempotence: a second run changes nothing', async () => {
    const again = await host.run(vars);
    assert.equal(hostFailure(again.result), undefined, again.output);
    assert.deepEqual(changedTasks(again.result), []);
  });

  step('verify: sshd -T has the hardened values', async () => {
    const output = await host.exec('sshd -T');
    const values = sshdT(output);
    const expected: Record<string, string> = {
      port: '22',
      permitrootlogin: 'no',
      passwordauthentication: 'no',
      kbdinteractiveauthentication: 'no',
      pubkeyauthentication: 'yes',
      permitemptypasswords: 'no',
      maxauthtries: '3',
      maxsessions: '10',
      logingracetime: '30',
      clientaliveinterval: '300',
      clientalivecountmax: '3',
      x11forwarding: 'no',
      allowagentforwarding: 'no',
      allowtcpforwarding: 'no',
      permittunnel: 'no',
      loglevel: 'VERBOSE',
      banner: '/etc/issue.net',
      kexalgorithms:
        'sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256',
      ciphers:
        'chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr',
      macs: 'hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com',
      hostkeyalgorithms: 'ssh-ed25519,rsa-sha2-512,rsa-sha2-256',
    };
    for (const [keyword, value] of Object.entries(expected))
      assert.equal(values.get(keyword), value, keyword);
    assert.match(output, /^allowusers deploy\nallowusers alice$/m);
    assert.deepEqual(
      output.split('\n').filter((line) => line.startsWith('hostkey ')),
      ['hostkey /etc/ssh/ssh_host_ed25519_key', 'hostkey /etc/ssh/ssh_host_rsa_key'],
    );
    console.log(
      `      sshd -T excerpt:\n${output
        .split('\n')
        .filter((line) =>
          /^(port|permitrootlogin|passwordauthentication|kbdinteractiveauthentication|pubkeyauthentication|allowusers|maxauthtries|x11forwarding|allowtcpforwarding|kexalgorithms|ciphers|macs|hostkeyalgorithms|hostkey) /.test(
            line,
          ),
        )
        .map((line) => `        ${line}`)
        .join('\n')}`,
    );
  });

  step('verify: a password login is refused, a key login is accepted', async () => {
    assert.match(await host.passwordLogin(), /All configured authentication methods failed/);
    assert.equal(await host.keyLogin(), 'deploy');
    assert.equal(await host.exec('cat /etc/issue.net'), `${vars.banner}\n`);
  });

  step('verify: RSA host key of 4096 bits, no ECDSA key offered, no modulus under 3072 bits', async () => {
    assert.match(await host.exec('ssh-keygen -l -f /etc/ssh/ssh_host_rsa_key.pub'), /^4096 /);
    assert.equal((await host.exec('ssh-keyscan -t ecdsa 127.0.0.1 2>/dev/null || true')).trim(), '');
    assert.match(await host.exec('ssh-keyscan -t ed25519 127.0.0.1 2>/dev/null'), /ssh-ed25519/);
    const sizes = await host.exec("awk '!/^#/ && NF >= 7 { print $5 }' /etc/ssh/moduli | sort -un");
    const bits = sizes.trim().split('\n').map(Number);
    assert.ok(bits.length > 0 && bits.every((size) => size >= 3071), sizes);
  });

  step('verify: ssh-audit, run inside the host, reports no failure', async () => {
    await host.exec(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ssh-audit >/dev/null',
    );
    const audit = await host.host.exec('ssh-audit -n 127.0.0.1');
    console.log(
      `      ssh-audit summary (exit ${audit.code}):\n${audit.output
        .split('\n')
        .filter((line) => /^\((gen|kex|key|enc|mac|fin|rec|cve)\)/.test(line))
        .map((line) => `        ${line}`)
        .join('\n')}`,
    );
    assert.deepEqual(
      audit.output.split('\n').filter((line) => line.includes('[fail]')),
      [],
    );
    // Exit 3 is a failure, 2 a warning: Debian 12's ssh-audit 2.5 predates two things OpenSSH 9.2 offers.
    assert.notEqual(audit.code, 3);
    const warnings = audit.output.split('\n').filter((line) => line.includes('[warn]'));
    assert.deepEqual(
      warnings.filter(
        (line) =>
          !/sntrup761x25519-sha512@openssh.com +-- \[warn\] using experimental algorithm/.test(line) &&
          !/kex-strict-s-v00@openssh.com +-- \[warn\] unknown algorithm/.test(line),
      ),
      [],
    );
  });

  step(
    'moves sshd from port 22 to a new port in one run; the next run connects there, changes nothing',
    async () => {
      const moved = { ...vars, ports: [newPort] };
      const move = await host.run(moved);
      assert.equal(hostFailure(move.result), undefined, move.output);
      const confirm = move.result.tasks.find((result) => result.task === 'confirm sshd access');
      assert.deepEqual(confirm?.changes, [`log in afresh on port ${newPort}, then cancel the rollback`]);
      const listening = await host.exec('ss -ltnH');
      assert.match(listening, new RegExp(`:${newPort}\\b`));
      assert.doesNotMatch(listening, /:22\b/);
      assert.equal(await host.keyLogin(newPort), 'deploy');
      assert.equal(
        (await host.host.exec('test -e /var/lib/bosun/rollback/harden-ssh')).code,
        1,
        'no rollback left',
      );
      assert.doesNotMatch(await host.exec('systemctl list-timers --all --no-legend'), /bosun-rollback/);

      const next = await host.run(moved, { port: newPort });
      assert.equal(hostFailure(next.result), undefined, next.output);
      assert.deepEqual(changedTasks(next.result), []);
      const old = await host.run(moved);
      assert.equal(old.result.hosts[0].unreachable, true, 'port 22 is closed now');
    },
  );
});
