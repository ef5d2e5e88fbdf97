import { executePlan } from '../../lib/resources/execute-plan.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import assert from 'node:assert/strict';
import { authorizedKeys } from '../../lib/resources/accounts/authorized-keys.js';
import { group } from '../../lib/resources/accounts/group.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import { user } from '../../lib/resources/accounts/user.js';
import { testKey } from '../../lib/testing/test-key.js';
import { connect } from '../../lib/transport/connect.js';
import { inventoryHost, ResourceHost } from '../resources/resource-host.js';

const otherKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl other@laptop';

describe('group, user and authorized keys resources on a throwaway host', function () {
  this.timeout(300_000);
  let rh: ResourceHost;

  before(async () => {
    rh = await ResourceHost.start('res-accounts');
  });
  after(async () => {
    await rh?.stop();
  });

  /** Logs in over SSH as `name` with the test key, as a person would, and returns `id -un`. */
  const loginAs = async (name: string) => {
    const transport = await connect(inventoryHost(rh.host, name), {
      knownHostsPolicy: 'strict',
      knownHostsFile: rh.host.knownHostsFile,
    });
    try {
      return (await transport.exec('id -un')).stdout.trim();
    } finally {
      await transport.close();
    }
  };

  it('group: creates with a gid in check mode without writing, once, then changes the gid and removes it', async () => {
    const team = group({ name: 'team', gid: 1500 });
    assert.deepEqual(await rh.check(team), { changes: ['create group team (gid 1500)'] });
    assert.equal((await rh.host.exec('getent group team')).code, 2, 'check mode created the group');
    const created = await rh.converge(team);
    assert.deepEqual(created.second, { changes: [] });
    assert.equal(await rh.verify('getent group team'), 'team:x:1500:\n');

    const moved = await rh.converge(group({ name: 'team', gid: 1600 }));
    assert.deepEqual(moved.first.changes, ['gid 1500 → 1600']);
    assert.deepEqual(moved.second, { changes: [] });
    const removed = await rh.converge(group({ name: 'team', state: 'absent' }));
    assert.deepEqual(removed.first.changes, ['remove group team']);
    assert.deepEqual(removed.second, { changes: [] });
    assert.equal((await rh.host.exec('getent group team')).code, 2);
  });

  it('user: creates deploy with its groups, joins docker only once the group exists', async () => {
    const deploy = user({
      name: 'deploy',
      shell: '/bin/bash',
      groups: ['sudo'],
      optionalGroups: ['docker'],
      comment: 'Deploy $(touch /tmp/pwned)',
    });
    assert.deepEqual(await rh.check(deploy), {
      changes: ['create user deploy (groups sudo, shell /bin/bash)'],
    });
    assert.equal((await rh.host.exec('id deploy')).code, 1, 'check mode created the user');
    const { first, second } = await rh.converge(deploy);
    assert.deepEqual(first.changes, ['create user deploy (groups sudo, shell /bin/bash)']);
    assert.deepEqual(second, { changes: [] });
    assert.equal(
      await rh.verify('getent passwd deploy | cut -d: -f5-'),
      'Deploy $(touch /tmp/pwned):/home/deploy:/bin/bash\n',
    );
    assert.equal(await rh.verify('id -Gn deploy'), 'deploy sudo\n');
    assert.equal(await rh.verify('stat -c %U /home/deploy'), 'deploy\n');
    assert.equal((await rh.host.exec('test -e /tmp/pwned')).code, 1, 'the comment ran as a command');

    await rh.verify('groupadd docker');
    const docker = await rh.converge(deploy);
    assert.deepEqual(docker.first.changes, ['add to groups docker']);
    assert.deepEqual(docker.second, { changes: [] });
    assert.equal(await rh.verify('id -Gn deploy'), 'deploy sudo docker\n');
  });

  it('user: with append false, the listed groups are the complete list', async () => {
    const { first, second } = await rh.converge(user({ name: 'deploy', groups: ['docker'], append: false }));
    assert.deepEqual(first.changes, ['remove from groups sudo']);
    assert.deepEqual(second, { changes: [] });
    assert.equal(await rh.verify('id -Gn deploy'), 'deploy docker\n');
  });

  it('user: waits for a group that does not exist yet, and fails clearly when nothing creates it', async () => {
    const plan = await rh.check(user({ name: 'deploy', groups: ['nosuch'] }));
    assert.deepEqual(plan, {
      changes: ['add to groups nosuch'],
      needsEarlierChanges: 'group nosuch does not exist yet',
    });
    await assert.rejects(
      rh.converge(user({ name: 'deploy', groups: ['nosuch'] })),
      /group 'nosuch' does not exist/,
    );
  });

  it("user: locks root's password (passwd -S shows L) and unlocks it, the hash never leaving the host", async () => {
    await rh.verify("echo 'root:not-a-real-password' | chpasswd");
    assert.match(await rh.verify('passwd -S root'), /^root P /);
    const lock = await rh.converge(user({ name: 'root', locked: true }));
    assert.deepEqual(lock.first.changes, ['lock password']);
    assert.deepEqual(lock.second, { changes: [] });
    assert.match(await rh.verify('passwd -S root'), /^root L /);
    assert.match(await rh.verify('getent shadow root | cut -d: -f2'), /^!\$/);

    const unlock = await rh.converge(user({ name: 'root', locked: false }));
    assert.deepEqual(unlock.first.changes, ['unlock password']);
    assert.match(await rh.verify('passwd -S root'), /^root P /);
    await rh.converge(user({ name: 'root', locked: true }));
    // deploy has no password yet: unlocking it would leave an empty one, so the plan refuses.
    await assert.rejects(rh.check(user({ name: 'deploy', locked: false })), /cannot unlock the password/);
  });

  it('user: sets a password hash through stdin, keeps it locked, and leaves a group with append', async () => {
    // A throwaway test password, hashed on the host (SHA-512 crypt).
    const hash = (await rh.verify('openssl passwd -6 test-only')).trim();
    await rh.verify('usermod -a -G sudo deploy');
    const deploy = user({ name: 'deploy', passwordHash: hash, locked: true, removeFromGroups: ['sudo'] });
    const { first, second } = await rh.converge(deploy);
    assert.deepEqual(first.changes, ['remove from groups sudo', 'set password']);
    assert.deepEqual(second, { changes: [] });
    assert.equal(await rh.verify('getent shadow deploy | cut -d: -f2'), `!${hash}\n`);
    assert.equal(await rh.verify('id -Gn deploy'), 'deploy docker\n');
    const unlocked = await rh.converge(user({ name: 'deploy', passwordHash: hash, locked: false }));
    assert.deepEqual(unlocked.first.changes, ['unlock password']);
    assert.match(await rh.verify('passwd -S deploy'), /^deploy P /);
  });

  it('authorized keys: creates ~/.ssh 0700 and the file 0600 owned by the user; a key login works', async () => {
    const keys = authorizedKeys({ user: 'deploy', keys: [testKey().publicKey, otherKey] });
    const plan = await rh.check(keys);
    assert.deepEqual(plan.changes.slice(0, 2), [
      'create /home/deploy/.ssh (mode 0700, owner deploy)',
      'create /home/deploy/.ssh/authorized_keys (mode 0600, owner deploy)',
    ]);
    assert.equal((await rh.host.exec('test -e /home/deploy/.ssh')).code, 1, 'check mode created ~/.ssh');
    const { second } = await rh.converge(keys);
    assert.deepEqual(second, { changes: [] });
    assert.equal(
      await rh.verify('stat -c "%a %U %G" /home/deploy/.ssh /home/deploy/.ssh/authorized_keys'),
      '700 deploy deploy\n600 deploy deploy\n',
    );
    assert.equal(await loginAs('deploy'), 'deploy');
  });

  it('authorized keys: keeps comments and foreign keys, never duplicates, and exclusive removes the rest', async () => {
    await rh.verify(`printf '# added by hand\\n%s\\n' '${otherKey}' >> /home/deploy/.ssh/authorized_keys`);
    const again = await rh.converge(authorizedKeys({ user: 'deploy', keys: [otherKey] }));
    assert.deepEqual(again.first.changes, [`remove duplicate of key ssh-ed25519 …Wi0dh2l9GKJl other@laptop`]);
    assert.deepEqual(again.second, { changes: [] });
    const exclusive = await rh.converge(
      authorizedKeys({ user: 'deploy', keys: [testKey().publicKey], exclusive: true }),
    );
    assert.deepEqual(exclusive.first.changes, ['remove key ssh-ed25519 …Wi0dh2l9GKJl other@laptop']);
    assert.deepEqual(exclusive.second, { changes: [] });
    assert.equal(
      await rh.verify('cat /home/deploy/.ssh/authorized_keys'),
      `${testKey().publicKey}\n# added by hand\n`,
    );
  });

  it('authorized keys: verifyLogin restores the file when the new keys would lock the login user out', async () => {
    const before = await rh.verify('cat /home/deploy/.ssh/authorized_keys');
    // The fresh login proves access as deploy, the user whose keys change.
    const ctx: ResourceContext = {
      ...rh.context(false),
      reconnect: () =>
        connect(inventoryHost(rh.host, 'deploy'), {
          knownHostsPolicy: 'strict',
          knownHostsFile: rh.host.knownHostsFile,
        }),
    };
    const lockout = authorizedKeys({ user: 'deploy', keys: [otherKey], exclusive: true, verifyLogin: true });
    const current = await probeOne(lockout, ctx);
    const plan = lockout.plan(current);
    assert.deepEqual(plan.changes, [
      `remove key ${testKey().publicKey.split(' ')[0]} …${testKey().publicKey.split(' ')[1].replace(/=+$/, '').slice(-12)} bosun-test`,
      'add key ssh-ed25519 …Wi0dh2l9GKJl other@laptop',
    ]);
    await assert.rejects(executePlan(lockout, plan, ctx), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'LOGIN_LOST');
      assert.match(error.message, /a fresh SSH login failed .* the previous file was restored/s);
      return true;
    });
    assert.equal(await rh.verify('cat /home/deploy/.ssh/authorized_keys'), before);
    assert.equal(await loginAs('deploy'), 'deploy');
  });

  it('user: removes deploy with its home', async () => {
    const { first, second } = await rh.converge(user({ name: 'deploy', state: 'absent', remove: true }));
    assert.deepEqual(first.changes, ['remove user deploy and its home /home/deploy']);
    assert.deepEqual(second, { changes: [] });
    assert.equal((await rh.host.exec('id deploy')).code, 1);
    assert.equal((await rh.host.exec('test -e /home/deploy')).code, 1);
  });
});
