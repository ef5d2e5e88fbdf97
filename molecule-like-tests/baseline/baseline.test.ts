import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UnreachableError } from '../../lib/errors.js';
import {
  comparePrediction,
  diffFingerprints,
  fingerprintHost,
  runBosun,
  ThrowawayHost,
} from '../../lib/testing/index.js';
import { testKey } from '../../lib/testing/test-key.js';
import { connect } from '../../lib/transport/connect.js';

const playbook = join(import.meta.dirname, '../../playbooks/baseline.ts');
const NEW_PORT = 52231;

/**
 * playbooks/baseline.ts as a whole on one throwaway host, as a user runs it: a bootstrap as root on port 22
 * that moves sshd to 52231 (firewall first, then sshd, then the connection), then runs as the admin user
 * with sudo on the new port. Composition is what this proves: ufw before harden-ssh, fail2ban on the new
 * port, sysctl not breaking anything. The control machine's address (the container's gateway) is an admin
 * network, so its logins skip ufw's `limit` (5 new connections per 30 s, which these runs would exceed);
 * the LIMIT rule for everyone else is verified in the firewall.
 */
describe('baseline playbook (USE-CASES A) on a throwaway host', function () {
  this.timeout(900_000);
  let host: ThrowawayHost;
  let dir: string;
  let knownHosts: string;
  const inventoryFile = () => join(dir, 'hosts.yml');

  const writeInventory = async (entry: Record<string, unknown>, vars: Record<string, unknown>) =>
    writeFile(
      inventoryFile(),
      stringify({ all: { children: { vps: { hosts: { 'agents-vps': entry }, vars } } } }),
    );
  const groupVars: Record<string, unknown> = {
    admin_user: 'admin',
    admin_authorized_keys: [testKey().publicKey],
    ssh_port: NEW_PORT,
    nginx_jails: true,
  };
  const bosun = (...args: string[]) =>
    runBosun(['run', playbook, '-i', inventoryFile(), '--known-hosts-file', knownHosts, ...args]);

  let checkRun: { code: number; stdout: string };
  let convergeRun: { code: number; stdout: string };

  before(async () => {
    host = await ThrowawayHost.start({
      name: 'agents-vps',
      extraPorts: [NEW_PORT],
      writableNetworkSysctls: true,
    });
    dir = await mkdtemp(join(tmpdir(), 'bosun-baseline-'));
    // Only the host's keys for port 22 (its published port): the run must learn the new port's by itself.
    knownHosts = join(dir, 'known_hosts');
    const lines = (await readFile(host.knownHostsFile, 'utf8')).split('\n');
    await writeFile(
      knownHosts,
      lines.filter((line) => line.startsWith(`[127.0.0.1]:${host.port} `)).join('\n') + '\n',
    );
    const gateway = (await host.exec("ip route | awk '/^default/ { print $3 }'")).output.trim();
    assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/);
    groupVars.admin_networks = [`${gateway}/32`];
    await writeInventory(host.inventoryEntry(), { ...groupVars, ssh_transition_ports: [22] });
  });
  after(async () => {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('check on the fresh host changes nothing and plans the whole baseline', async () => {
    const before = await fingerprintHost(host);
    checkRun = await bosun('--check', '--json');
    assert.equal(checkRun.code, 0, checkRun.stdout.slice(-3000));
    assert.deepEqual(diffFingerprints(before, await fingerprintHost(host)), []);
    const roles = new Set(JSON.parse(checkRun.stdout).tasks.map((t: { role?: string }) => t.role));
    assert.deepEqual([...roles].sort(), [
      'fail2ban',
      'harden-ssh',
      'sysctl',
      'ufw',
      'unattended-upgrades',
      'users',
    ]);
  });

  it('bootstraps as root: firewall, then sshd moves to 52231, and the run goes on over the new port', async () => {
    convergeRun = await bosun('--json');
    assert.equal(convergeRun.code, 0, convergeRun.stdout.slice(-4000));
    const prediction = comparePrediction(JSON.parse(checkRun.stdout), JSON.parse(convergeRun.stdout));
    assert.deepEqual(prediction.missed, [], 'every change was predicted by check');
    assert.deepEqual(prediction.unexpected, [], 'check predicted nothing that did not happen');
    const listening = (await host.exec('ss -Htln')).output;
    assert.match(listening, new RegExp(`:${NEW_PORT}\\b`));
    assert.doesNotMatch(listening, /:22\b/);
    assert.match(await readFile(knownHosts, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${NEW_PORT} `, 'm'));
  });

  it("ufw's reload and restart keep the sysctl role's log_martians (ufw applies no kernel settings)", async () => {
    assert.match((await host.exec('cat /etc/default/ufw')).output, /^IPT_SYSCTL=$/m);
    const martians = 'sysctl -n net.ipv4.conf.all.log_martians';
    assert.equal((await host.exec(martians)).output.trim(), '1', 'after the converge');
    assert.equal((await host.exec('ufw reload')).code, 0);
    assert.equal((await host.exec(martians)).output.trim(), '1', 'after ufw reload');
    assert.equal((await host.exec('systemctl restart ufw')).code, 0);
    assert.equal((await host.exec(martians)).output.trim(), '1', 'after a restart of ufw.service');
  });

  it('then runs as the admin user with sudo on the new port: root login off, port 22 closed', async () => {
    await writeInventory(
      {
        bosun_host: host.address,
        bosun_port: NEW_PORT,
        bosun_user: 'admin',
        bosun_become: true,
        bosun_private_key_file: host.privateKeyFile,
      },
      groupVars,
    );
    const run = await bosun('--json');
    assert.equal(run.code, 0, run.stdout.slice(-4000));
    const changed = JSON.parse(run.stdout).tasks.filter((t: { status: string }) => t.status === 'changed');
    assert.ok(
      changed.some((t: { role: string }) => t.role === 'ufw'),
      'the rule for 22 is purged',
    );
    assert.ok(
      changed.some((t: { role: string }) => t.role === 'harden-ssh'),
      'root login turned off',
    );
    // Regression: enabling ufw used to apply /etc/ufw/sysctl.conf (log_martians = 0) after the sysctl role.
    assert.deepEqual(
      changed.filter((t: { role: string }) => t.role !== 'ufw' && t.role !== 'harden-ssh'),
      [],
      'only the firewall and sshd change on the first re-run',
    );
  });

  it('a further run changes nothing', async () => {
    const started = Date.now();
    const run = await bosun('--json');
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 0, run.stdout.slice(-3000));
    const report = JSON.parse(run.stdout);
    assert.equal(
      report.hosts[0].changed,
      0,
      JSON.stringify(report.tasks.filter((t: { status: string }) => t.status !== 'ok')),
    );
    console.log(
      `      no-op re-run of baseline.ts: ${seconds.toFixed(2)} s, ${report.hosts[0].counters.commands} round trips`,
    );
  });

  it('verifies with the real tools: sshd -T, ufw, fail2ban, logins', async () => {
    const sshd = (await host.exec('sshd -T')).output;
    for (const line of [
      `port ${NEW_PORT}`,
      'permitrootlogin no',
      'passwordauthentication no',
      'kbdinteractiveauthentication no',
      'x11forwarding no',
      'printmotd no',
      'clientaliveinterval 300',
      'clientalivecountmax 2',
      'maxauthtries 3',
      'maxsessions 2',
      'allowusers admin',
    ]) {
      assert.match(sshd, new RegExp(`^${line}$`, 'm'));
    }
    const ufw = (await host.exec('ufw status verbose')).output;
    assert.match(ufw, /^Status: active$/m);
    assert.match(ufw, /^Default: deny \(incoming\), allow \(outgoing\)/m);
    assert.match(
      ufw,
      new RegExp(
        `^${NEW_PORT}/tcp +ALLOW IN +${(groupVars.admin_networks as string[])[0].replace('/32', '')} +# ssh from admins`,
        'm',
      ),
    );
    assert.match(ufw, new RegExp(`^${NEW_PORT}/tcp +LIMIT IN +Anywhere +# ssh`, 'm'));
    assert.match(ufw, /^80\/tcp +ALLOW IN +Anywhere/m);
    assert.match(ufw, /^443\/tcp +ALLOW IN +Anywhere/m);
    assert.doesNotMatch(ufw, /^22\/tcp/m);
    const jail = (await host.exec('fail2ban-client get sshd actions; fail2ban-client get sshd maxretry'))
      .output;
    assert.match(jail, /ufw/);
    assert.match(jail, /^3$/m);
    const status = (await host.exec('fail2ban-client status sshd')).output;
    assert.match(status, /Status for the jail: sshd/);
    console.log(
      `      ${sshd
        .split('\n')
        .filter((l) => /^(port|permitrootlogin|allowusers|kexalgorithms) /.test(l))
        .join('\n      ')}`,
    );
    console.log(ufw.replace(/^/gm, '      '));
    console.log(status.replace(/^/gm, '      '));

    const root = {
      name: 'agents-vps',
      groups: ['all'],
      vars: {},
      connection: {
        connection: 'ssh' as const,
        address: host.address,
        port: NEW_PORT,
        user: 'root',
        privateKeyFile: host.privateKeyFile,
        become: false,
      },
    };
    const knownHostsCopy = join(dir, 'known_hosts.verify');
    await copyFile(knownHosts, knownHostsCopy);
    await assert.rejects(
      connect(root, { knownHostsFile: knownHostsCopy, sshConfigFile: '/dev/null' }),
      (error: UnreachableError) => error.code === 'SSH_AUTH_FAILED',
    );
  });
});
