import assert from 'node:assert/strict';
import { coreFacts } from '../../lib/facts/core-facts.js';
import { composeFact } from '../../lib/resources/docker/compose-fact.js';
import { gatherFactValues } from '../../lib/facts/define-fact.js';
import type { Facts } from '../../lib/facts/facts.js';
import { sshdFact, type SshdFacts } from '../../roles/harden-ssh/sshd-fact.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect } from '../../lib/transport/connect.js';
import { inventoryHost } from './resource-host.js';

describe('gathering the core, sshd and compose facts on a throwaway host', function () {
  this.timeout(300_000);
  let host: ThrowawayHost;

  before(async () => {
    host = await ThrowawayHost.start({ name: 'res-facts' });
    // A sudoer who logs in with the same test key: facts must follow become.
    await host.exec(
      'useradd --create-home --shell /bin/bash deploy && echo "deploy ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/deploy && ' +
        'install -d -o deploy -m 700 /home/deploy/.ssh && install -o deploy -m 600 /root/.ssh/authorized_keys /home/deploy/.ssh/',
    );
  });
  after(async () => {
    await host?.stop();
  });

  const gather = async (user = 'root', become = false) => {
    const transport = await connect(inventoryHost(host, user, become), {
      knownHostsPolicy: 'strict',
      knownHostsFile: host.knownHostsFile,
    });
    try {
      const before = transport.counters.commands;
      const values = await gatherFactValues(transport, [coreFacts, sshdFact, composeFact]);
      const core = values.get(coreFacts) as Facts;
      const facts = {
        ...core,
        sshd: values.get(sshdFact) as SshdFacts,
        tools: { ...core.tools, compose: values.get(composeFact) },
      };
      return { facts, roundTrips: transport.counters.commands - before };
    } finally {
      await transport.close();
    }
  };
  const inside = async (command: string) => (await host.exec(command)).output.trim();

  it('gathers what the host says about itself, in one round trip', async () => {
    const { facts, roundTrips } = await gather();
    assert.equal(roundTrips, 1);
    assert.deepEqual(
      { ...facts, sshd: { ...facts.sshd, version: undefined } },
      {
        hostname: 'res-facts',
        user: 'root',
        isRoot: true,
        os: {
          id: 'debian',
          versionId: '12',
          codename: 'bookworm',
          prettyName: 'Debian GNU/Linux 12 (bookworm)',
          family: 'debian',
        },
        arch: await inside('uname -m'),
        debArch: await inside('dpkg --print-architecture'),
        kernel: await inside('uname -r'),
        cpus: Number(await inside('nproc')),
        memoryMb: Math.floor(Number(await inside("awk '/^MemTotal/ {print $2}' /proc/meminfo")) / 1024),
        init: 'systemd',
        virtualization: 'docker',
        packageManager: 'apt',
        sshd: { service: 'ssh', socketActivated: false, version: undefined },
        tools: { apt: true, systemctl: true, sudo: true, ufw: false, docker: false, compose: 'none' },
      },
    );
    assert.equal(facts.sshd.version, /OpenSSH_(\d+\.\d+)/.exec(await inside('ssh -V 2>&1'))?.[1]);
  });

  it('describes the elevated shell when become is on', async () => {
    const plain = (await gather('deploy')).facts;
    assert.deepEqual([plain.user, plain.isRoot], ['deploy', false]);
    assert.equal(plain.tools.sudo, true);
    const elevated = (await gather('deploy', true)).facts;
    assert.deepEqual([elevated.user, elevated.isRoot], ['root', true]);
  });

  it('sees sshd started by ssh.socket, as on Ubuntu 22.10 and later', async () => {
    await host.exec('systemctl disable --now ssh.service && systemctl enable --now ssh.socket');
    const { facts } = await gather();
    assert.equal(await inside('systemctl is-active ssh.socket'), 'active');
    assert.deepEqual(facts.sshd, { ...facts.sshd, service: 'ssh', socketActivated: true });
  });
});
