import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scenario } from '../../lib/testing/index.js';

const file = '/etc/sysctl.d/90-bosun-hardening.conf';
// The machine's own kernel, which the container shares: the role must never write it from a container.
const machineKernel = () =>
  ['kernel/kptr_restrict', 'kernel/dmesg_restrict', 'fs/protected_fifos', 'fs/suid_dumpable'].map((key) =>
    readFileSync(`/proc/sys/${key}`, 'utf8').trim(),
  );
const machineBefore = machineKernel();

scenario({
  name: 'sysctl role: network keys live, kernel keys persisted and reported',
  playbook: new URL('./playbook.ts', import.meta.url).pathname,
  hosts: [{ name: 'sysctl-1', options: { writableNetworkSysctls: true } }],
  verify: async (ctx) => {
    const host = ctx.host();
    const exec = async (command: string) => {
      const result = await host.exec(command);
      assert.equal(result.code, 0, `${command}: ${result.output}`);
      return result.output;
    };

    // The container's own network keys are live (sysctl -n reads the running kernel).
    const live = [
      ['net.ipv4.conf.all.rp_filter', '1'],
      ['net.ipv4.conf.default.rp_filter', '1'],
      ['net.ipv4.tcp_syncookies', '1'],
      ['net.ipv4.conf.all.accept_redirects', '0'],
      ['net.ipv6.conf.all.accept_redirects', '0'],
      ['net.ipv4.conf.all.send_redirects', '0'],
      ['net.ipv4.conf.all.secure_redirects', '0'],
      ['net.ipv4.conf.all.accept_source_route', '0'],
      ['net.ipv4.conf.all.log_martians', '1'],
      ['net.ipv4.icmp_echo_ignore_broadcasts', '1'],
      ['net.ipv4.icmp_ignore_bogus_error_responses', '1'],
      ['net.ipv6.conf.all.disable_ipv6', '1'],
      ['net.ipv6.conf.default.disable_ipv6', '1'],
      ['net.ipv4.tcp_fin_timeout', '30'],
    ];
    assert.equal(
      await exec(`sysctl -n ${live.map(([key]) => key).join(' ')}`),
      live.map(([, v]) => `${v}\n`).join(''),
    );

    // The machine's keys are in the drop-in for the next boot, not written live.
    const persisted = await exec(`cat ${file}`);
    for (const line of [
      'kernel.kptr_restrict = 2',
      'kernel.dmesg_restrict = 1',
      'kernel.yama.ptrace_scope = 1',
      'fs.protected_hardlinks = 1',
      'fs.protected_symlinks = 1',
      'fs.protected_fifos = 2',
      'fs.protected_regular = 2',
      'fs.suid_dumpable = 0',
    ])
      assert.ok(persisted.includes(`\n${line}\n`), `${line} missing from ${file}:\n${persisted}`);
    assert.deepEqual(machineKernel(), machineBefore, "the machine's kernel settings changed");

    // ...and the run said so, key by key, instead of pretending.
    const [converged] = ctx.runs.converge!.result.tasks.filter((t) => t.task === 'kernel hardening settings');
    const honest = converged.changes.find((line) =>
      line.startsWith('persisted for the next boot, not applied live: '),
    );
    assert.ok(honest, converged.changes.join('\n'));
    assert.match(
      honest,
      /kernel\.kptr_restrict = 2 \((the machine's kernel, not this container's|unknown to the running kernel)\)/,
    );
    assert.match(honest, /kernel\.yama\.ptrace_scope = 1 \(/);
    assert.doesNotMatch(honest, /net\.ipv4\.tcp_syncookies/);
    assert.ok(converged.changes.some((line) => line.startsWith('set net.ipv4.conf.all.rp_filter ')));

    // ip_forward is left alone (Docker needs it), neither written nor changed.
    assert.doesNotMatch(persisted, /ip_forward/);
    assert.equal(await exec('sysctl -n net.ipv4.ip_forward'), '1\n');

    // Drift of a live key is repaired by the next run, and only that.
    await exec('sysctl -q -w net.ipv4.conf.all.accept_redirects=1');
    const repair = await ctx.run();
    assert.deepEqual(
      repair.result.tasks.filter((t) => t.status === 'changed').map((t) => t.changes),
      [['set net.ipv4.conf.all.accept_redirects 1 → 0']],
    );
  },
});
