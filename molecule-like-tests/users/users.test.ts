import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadPlaybook } from '../../lib/engine/load-playbook.js';
import {
  defaultFingerprintPaths,
  diffFingerprints,
  fingerprintHost,
  runInProcess,
  scenario,
  type ScenarioContext,
} from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { testKey } from '../../lib/testing/test-key.js';
import { connect } from '../../lib/transport/connect.js';
import { inventoryHost } from '../resources/resource-host.js';
import { otherKey } from './playbook.js';

const playbookFile = new URL('./playbook.ts', import.meta.url).pathname;
const fingerprint = { paths: [...defaultFingerprintPaths, '/home', '/root/.ssh'] };

/** Logs in as `name` with the test key over SSH (host key checked) and runs one command. */
async function runAs(host: ThrowawayHost, name: string, command: string) {
  const transport = await connect(inventoryHost(host, name), {
    knownHostsPolicy: 'strict',
    knownHostsFile: host.knownHostsFile,
  });
  try {
    return await transport.exec(command);
  } finally {
    await transport.close();
  }
}

/** The scenario's inventory, logged in as admin and becoming root with sudo, as a real VPS is run. */
async function adminInventory(ctx: ScenarioContext): Promise<string> {
  const inventory = parse(await readFile(ctx.fleet.inventoryFile, 'utf8')) as {
    all: { hosts: Record<string, Record<string, unknown>> };
  };
  for (const entry of Object.values(inventory.all.hosts))
    Object.assign(entry, { bosun_user: 'admin', bosun_become: true });
  // Beside the fleet's own inventory, in the folder the fleet removes when it stops.
  const file = join(dirname(ctx.fleet.inventoryFile), 'admin-inventory.yml');
  await writeFile(file, stringify(inventory));
  return file;
}

scenario({
  name: 'users role: admin, deploy and ops users, keys, sudo, root locked',
  playbook: playbookFile,
  hosts: [{ name: 'users-1' }],
  fingerprint,
  verify: async (ctx) => {
    const host = ctx.host();
    const exec = async (command: string) => {
      const result = await host.exec(command);
      assert.equal(result.code, 0, `${command}: ${result.output}`);
      return result.output;
    };

    // What check predicted on the fresh host: every account, conditional keys, nothing for root (already locked).
    const predicted = ctx.runs.check!.result.tasks.map(
      (t) => `${t.task}: ${t.status}${t.afterEarlierChanges ? ' (after earlier changes)' : ''}`,
    );
    assert.deepEqual(predicted, [
      'admin access is kept: ok',
      'group deployers: changed',
      'user admin: changed',
      'authorized keys of admin: changed (after earlier changes)',
      'user deploy: changed (after earlier changes)',
      'authorized keys of deploy: changed (after earlier changes)',
      'user ops: changed',
      'authorized keys of ops: changed (after earlier changes)',
      'passwordless sudo: changed',
      "root's password locked: ok",
    ]);

    // Accounts and groups as getent and id see them; docker is skipped: the host has no docker group.
    assert.match(
      await exec('getent passwd admin deploy ops'),
      /^admin:x:\d+:\d+:Admin:\/home\/admin:\/bin\/bash\ndeploy:x:.*:\/bin\/bash\nops:x:/,
    );
    assert.equal(
      await exec('id -Gn admin; id -Gn deploy; id -Gn ops'),
      'admin sudo\ndeploy deployers\nops sudo\n',
    );
    assert.equal(
      await exec(
        'stat -c "%a %U" /home/deploy/.ssh /home/deploy/.ssh/authorized_keys /etc/sudoers.d/90-bosun-nopasswd',
      ),
      '700 deploy\n600 deploy\n440 root\n',
    );
    assert.match(await exec('visudo -c'), /parsed OK/);
    assert.match(await exec('passwd -S root'), /^root L /);
    assert.match(await exec('passwd -S ops'), /^ops P /);

    // Key logins as each user; sudo without a password for admin only; ops's sudo takes its password.
    assert.equal((await runAs(host, 'deploy', 'id -un')).stdout, 'deploy\n');
    assert.equal((await runAs(host, 'admin', 'sudo -n true')).code, 0);
    assert.notEqual((await runAs(host, 'deploy', 'sudo -n true')).code, 0);
    assert.notEqual((await runAs(host, 'ops', 'sudo -n true')).code, 0);
    assert.equal((await runAs(host, 'ops', "echo test-only | sudo -S -k -p '' id -un")).stdout, 'root\n');

    // Docker appears later, and root gets a password (as a provider's image may have): the next run adds
    // deploy to docker and locks root's password again.
    await exec("groupadd --system docker && echo 'root:not-a-real-password' | chpasswd");
    const docker = await ctx.run();
    assert.deepEqual(
      docker.result.tasks
        .filter((t) => t.status === 'changed')
        .map((t) => `${t.task}: ${t.changes.join('; ')}`),
      ['user deploy: add to groups docker', "root's password locked: lock password"],
    );
    assert.equal(await exec('id -Gn deploy'), 'deploy deployers docker\n');
    assert.match(await exec('passwd -S root'), /^root L /);

    // The way a VPS is run: logged in as admin, root through sudo. Nothing to change.
    const asAdmin = await adminInventory(ctx);
    const playbook = await loadPlaybook(playbookFile);
    const run = (extraVars?: Record<string, unknown>) =>
      runInProcess(playbook, { inventoryFile: asAdmin, knownHostsFile: ctx.fleet.knownHostsFile, extraVars });
    const again = await run();
    assert.deepEqual(
      again.result.hosts.map((h) => [h.changed, h.failed]),
      [[0, 0]],
      again.output,
    );

    // Lockout drills, as admin: each refused or undone, the host unchanged, admin still able to log in.
    const before = await fingerprintHost(host, fingerprint);
    const admin = { name: 'admin', sudo: 'nopasswd', authorizedKeys: [testKey().publicKey] };
    const drills: [string, unknown[], RegExp][] = [
      [
        'no sudo user with a key',
        [{ name: 'deploy', authorizedKeys: [otherKey] }],
        /no user would be left who can log in with a key and use sudo/,
      ],
      [
        'admin deleted',
        [
          { ...admin, name: 'ops2' },
          { name: 'admin', state: 'absent' },
        ],
        /admin is the user Bosun logs in as: state 'absent'/,
      ],
      [
        'admin loses sudo',
        [
          { ...admin, name: 'ops2' },
          { ...admin, sudo: 'none' },
        ],
        /would take sudo away from it mid-run/,
      ],
      [
        "admin's own key removed",
        [{ ...admin, authorizedKeys: [otherKey], exclusiveKeys: true }],
        /a fresh SSH login failed .*the previous file was restored/s,
      ],
    ];
    for (const [drill, testUsers, message] of drills) {
      const refused = await run({ test_users: testUsers });
      const [recap] = refused.result.hosts;
      assert.equal(recap.failed, 1, `${drill}: the run did not fail\n${refused.output}`);
      assert.match(recap.failure?.message ?? '', message, drill);
      assert.deepEqual(diffFingerprints(before, await fingerprintHost(host, fingerprint)), [], drill);
      assert.equal((await runAs(host, 'admin', 'sudo -n id -un')).stdout, 'root\n', drill);
    }
  },
});
