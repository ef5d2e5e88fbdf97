import { executePlan } from '../../lib/resources/execute-plan.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../lib/resources/commands/command.js';
import { directory } from '../../lib/resources/files/directory.js';
import { file } from '../../lib/resources/files/file.js';
import type { Resource } from '../../lib/resources/resource.js';
import { sh } from '../../lib/transport/shell.js';
import { reported, ResourceHost } from './resource-host.js';

describe('file, directory and command resources on a throwaway host', function () {
  this.timeout(300_000);
  let rh: ResourceHost;
  const check = <S>(resource: Resource<S>) => rh.check(resource);
  const converge = <S>(resource: Resource<S>) => rh.converge(resource);

  before(async () => {
    rh = await ResourceHost.start('res-files');
    await rh.verify('useradd --create-home deploy');
  });
  after(async () => {
    await rh?.stop();
  });

  describe('file', () => {
    const motd = '/etc/bosun-motd';

    it('plans a new file in check mode without writing it, then creates it once', async () => {
      const resource = file({ path: motd, content: 'hello\n', mode: '0640' });
      assert.deepEqual(await check(resource), {
        changes: [`create ${motd} (mode 0640)`],
        diff: `--- before: ${motd}\n+++ after: ${motd}\n@@ -0,0 +1,1 @@\n+hello\n`,
      });
      assert.equal((await rh.host.exec(`test -e ${motd}`)).code, 1, 'check mode wrote the file');

      const { first, second } = await converge(resource);
      assert.deepEqual(first.changes, [`create ${motd} (mode 0640)`]);
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify(`stat -c '%a %U %G' ${motd} && cat ${motd}`), '640 root root\nhello\n');
    });

    it('rewrites changed content with a diff, keeps the mode, and backs up the old file', async () => {
      const { first, second } = await converge(file({ path: motd, content: 'hello\nworld\n', backup: true }));
      assert.deepEqual(first, {
        changes: ['content'],
        diff: `--- before: ${motd}\n+++ after: ${motd}\n@@ -1,1 +1,2 @@\n hello\n+world\n`,
      });
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify(`stat -c %a ${motd} && cat ${motd}`), '640\nhello\nworld\n');
      assert.equal(await rh.verify(`cat ${motd}.*~`), 'hello\n', 'the backup holds the old content');
    });

    it('changes only the mode, then only the owner, in place (same inode, same content)', async () => {
      const inode = await rh.verify(`stat -c %i ${motd}`);
      const mode = await converge(file({ path: motd, mode: '0644' }));
      assert.deepEqual(mode.first, { changes: ['mode 0640 → 0644'] });
      assert.deepEqual(mode.second, { changes: [] });
      const owner = await converge(
        file({ path: motd, content: 'hello\nworld\n', owner: 'deploy', group: 'deploy' }),
      );
      assert.deepEqual(owner.first, { changes: ['owner root → deploy', 'group root → deploy'] });
      assert.deepEqual(owner.second, { changes: [] });
      assert.equal(await rh.verify(`stat -c '%i %a %U %G' ${motd}`), `${inode.trim()} 644 deploy deploy\n`);
      assert.equal(await rh.verify(`cat ${motd}`), 'hello\nworld\n');
    });

    it('without --diff, reads a digest of the old content only: the change is planned without a diff', async () => {
      const resource = file({ path: motd, content: 'hello\nthere\n' });
      const current = await probeOne(resource, { ...rh.context(true), diff: false });
      assert.equal(current.content, undefined);
      assert.deepEqual(reported(resource.plan(current)), { changes: ['content'] });
    });

    it('renders a Jinja2 template with its vars', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'bosun-template-'));
      await writeFile(
        join(dir, 'app.conf.j2'),
        '# {{ name }}\n{% for port in ports %}\nlisten {{ port }}\n{% endfor %}\n',
      );
      const resource = file({
        path: '/etc/bosun-app.conf',
        template: join(dir, 'app.conf.j2'),
        vars: { name: 'web <1>', ports: [80, 443] },
      });
      const { first, second } = await converge(resource).finally(() =>
        rm(dir, { recursive: true, force: true }),
      );
      assert.deepEqual(first.changes, ['create /etc/bosun-app.conf']);
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify('cat /etc/bosun-app.conf'), '# web <1>\nlisten 80\nlisten 443\n');
    });

    it('keeps the old file (content and inode) when validate rejects the new content', async () => {
      const path = '/etc/bosun-validated.conf';
      await converge(file({ path, content: 'good\n' }));
      const inode = await rh.verify(`stat -c %i ${path}`);
      const resource = file({
        path,
        content: 'bad\n',
        validate: `sh -c 'echo "rejected: $(head -n1 "$1")" >&2; exit 1' validator %s`,
      });
      const ctx = rh.context(false);
      const current = await probeOne(resource, ctx);
      const plan = resource.plan(current);
      assert.deepEqual(plan.changes, ['content']);
      await assert.rejects(executePlan(resource, plan, ctx), (error: Error) => {
        assert.match(error.message, /rejected: bad/);
        assert.match(error.message, /bosun-validated\.conf/);
        return true;
      });
      assert.equal(await rh.verify(`stat -c %i ${path} && cat ${path}`), `${inode}good\n`);
      assert.equal(
        await rh.verify('ls -a /etc | grep -c bosun-upload || true'),
        '0\n',
        'no temporary file left',
      );
    });

    it('writes binary content byte for byte', async () => {
      const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
      const { first, second } = await converge(file({ path: '/root/bosun.bin', content: bytes }));
      assert.deepEqual(first.changes, ['create /root/bosun.bin']);
      assert.equal(first.diff, 'Binary files before: /root/bosun.bin and after: /root/bosun.bin differ\n');
      assert.deepEqual(second, { changes: [] });
      const remote = await rh.verify('sha256sum < /root/bosun.bin');
      assert.equal(remote.split(' ')[0], createHash('sha256').update(bytes).digest('hex'));
    });

    it('removes a file with state absent', async () => {
      const { first, second } = await converge(file({ path: motd, state: 'absent' }));
      assert.deepEqual(first, { changes: [`remove ${motd}`] });
      assert.deepEqual(second, { changes: [] });
      assert.equal((await rh.host.exec(`test -e ${motd}`)).code, 1);
    });

    it('waits for an earlier change when the parent directory is missing (check mode)', async () => {
      const plan = await check(file({ path: '/srv/not-yet/app.env', content: 'A=1\n' }));
      assert.equal(plan.needsEarlierChanges, 'directory /srv/not-yet does not exist yet');
      assert.deepEqual(plan.changes, ['create /srv/not-yet/app.env']);
    });
  });

  describe('directory', () => {
    const data = '/srv/bosun-app/data';

    it('creates a directory with its parents, mode and owner, once', async () => {
      const resource = directory({ path: data, mode: '0750', owner: 'deploy', group: 'deploy' });
      const { first, second } = await converge(resource);
      assert.deepEqual(first, { changes: [`create ${data} (mode 0750, owner deploy, group deploy)`] });
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify(`stat -c '%F %a %U %G' ${data}`), 'directory 750 deploy deploy\n');
    });

    it('with recurse, fixes the owner of everything inside (symlinks included)', async () => {
      await rh.verify(`cd ${data} && touch a && mkdir sub && touch sub/b && ln -s a link`);
      const resource = directory({ path: data, owner: 'deploy', group: 'deploy', recurse: true });
      const { first, second } = await converge(resource);
      assert.deepEqual(first, { changes: ['owner/group of 4 entries inside /srv/bosun-app/data'] });
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify(`find ${data} ! -user deploy -o ! -group deploy | wc -l`), '0\n');
    });

    it('with recurse and a mode, leaves symlinks out and stays idempotent', async () => {
      const { first, second } = await converge(directory({ path: data, mode: '0770', recurse: true }));
      assert.deepEqual(first, {
        changes: ['mode 0750 → 0770', 'mode of 3 entries inside /srv/bosun-app/data'],
      });
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify(`stat -c %a ${data}/sub/b`), '770\n');
    });

    it('removes a directory tree with state absent', async () => {
      const { first, second } = await converge(directory({ path: '/srv/bosun-app', state: 'absent' }));
      assert.deepEqual(first, { changes: ['remove /srv/bosun-app and everything in it'] });
      assert.deepEqual(second, { changes: [] });
      assert.equal((await rh.host.exec('test -e /srv/bosun-app')).code, 1);
    });
  });

  describe('command', () => {
    it('runs once when guarded by creates', async () => {
      const resource = command({
        run: 'echo ran >> /root/creates.log && touch /root/creates.done',
        creates: '/root/creates.done',
      });
      assert.deepEqual(await check(resource), {
        changes: ['run: echo ran >> /root/creates.log && touch /root/creates.done'],
      });
      assert.equal((await rh.host.exec('test -e /root/creates.log')).code, 1, 'check mode ran the command');
      const { first, second } = await converge(resource);
      assert.equal(first.changes.length, 1);
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify('cat /root/creates.log'), 'ran\n');
    });

    it('runs until its unless probe succeeds, and only if its onlyIf probe succeeds', async () => {
      const unless = command({ run: 'echo ok >> /root/unless.log', unless: 'grep -q ok /root/unless.log' });
      const once = await converge(unless);
      assert.deepEqual(once.first, { changes: ['run: echo ok >> /root/unless.log'] });
      assert.deepEqual(once.second, { changes: [] });
      const onlyIf = command({ run: 'echo never > /root/only-if.log', onlyIf: 'test -e /root/no-such-file' });
      assert.deepEqual((await converge(onlyIf)).first, { changes: [] });
      assert.equal((await rh.host.exec('test -e /root/only-if.log')).code, 1);
      const removes = command({ run: 'rm /root/unless.log', removes: '/root/unless.log' });
      const removed = await converge(removes);
      assert.deepEqual([removed.first.changes.length, removed.second.changes.length], [1, 0]);
    });

    it('runs in cwd with env and stdin; creates is relative to cwd', async () => {
      await rh.verify('mkdir -p /root/work');
      const resource = command({
        run: 'cat > out.txt && echo "$GREETING" >> out.txt',
        cwd: '/root/work',
        env: { GREETING: "hi 'there'; $HOME" },
        stdin: 'from stdin\n',
        creates: 'out.txt',
      });
      const { first, second } = await converge(resource);
      assert.equal(first.changes.length, 1);
      assert.deepEqual(second, { changes: [] });
      assert.equal(await rh.verify('cat /root/work/out.txt'), "from stdin\nhi 'there'; $HOME\n");
    });

    it('fails with the exit code and the last lines of stderr', async () => {
      const resource = command({ run: 'echo step one; echo "boom: disk full" >&2; exit 3' });
      const ctx = rh.context(false);
      const current = await probeOne(resource, ctx);
      await assert.rejects(
        executePlan(resource, resource.plan(current), ctx),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'COMMAND_FAILED');
          assert.match(error.message, /exit 3/);
          assert.match(error.message, /boom: disk full/);
          return true;
        },
      );
    });
  });

  it('keeps values with shell metacharacters literal in paths and arguments', async () => {
    const dir = '/tmp/evil; touch /tmp/pwned';
    const path = `${dir}/it's $(touch pwned-sub) \`touch pwned-tick\`.txt`;
    const marker = `${dir}/arg $(touch pwned-arg)`;
    const idempotent = async <S>(resource: Resource<S>) => {
      const { first, second } = await converge(resource);
      assert.ok(first.changes.length > 0, `${resource.kind} planned nothing`);
      assert.deepEqual(second, { changes: [] }, `${resource.kind} is not idempotent`);
    };
    await idempotent(directory({ path: dir, mode: '0700', owner: 'deploy' }));
    await idempotent(file({ path, content: '; touch /tmp/pwned\n', mode: '0600', owner: 'deploy' }));
    await idempotent(
      command({ run: sh`printf '%s\\n' ${'; touch /tmp/pwned'} > ${marker}`, creates: marker }),
    );

    assert.equal(
      (
        await rh.host.exec(
          'test -e /tmp/pwned || test -e /root/pwned-sub || test -e /root/pwned-tick || test -e /root/pwned-arg',
        )
      ).code,
      1,
      'a value ran as a command',
    );
    assert.equal(
      await rh.verify(`cd '${dir}' && stat -c '%a %U' ./it* && cat ./it*`),
      '600 deploy\n; touch /tmp/pwned\n',
    );
    assert.equal(
      await rh.verify(`ls '${dir}'`),
      "arg $(touch pwned-arg)\nit's $(touch pwned-sub) `touch pwned-tick`.txt\n",
    );
    assert.equal(await rh.verify(`cat '${dir}'/arg*`), '; touch /tmp/pwned\n');
  });
});
