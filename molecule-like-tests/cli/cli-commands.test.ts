import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runBosun, ThrowawayHost } from '../../lib/testing/index.js';

/** `bosun ping`, `bosun facts` and `bosun inventory` through the real CLI. */
describe('CLI commands on a throwaway host', function () {
  this.timeout(120_000);
  let host: ThrowawayHost;
  let dir: string;
  let inventoryFile: string;

  before(async () => {
    host = await ThrowawayHost.start({ name: 'cli-host' });
    dir = await mkdtemp(join(tmpdir(), 'bosun-cli-'));
    inventoryFile = join(dir, 'hosts.yml');
    await writeFile(
      inventoryFile,
      stringify({
        all: {
          children: {
            web: { hosts: { 'cli-host': host.inventoryEntry() } },
            db: { hosts: { ghost: { bosun_host: '127.0.0.1', bosun_port: 1, bosun_user: 'root' } } },
          },
        },
      }),
    );
  });
  after(async () => {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const bosun = (args: string[]) =>
    runBosun([...args, '-i', inventoryFile, '--known-hosts-file', host.knownHostsFile]);

  it('ping answers pong for a reachable host and exits 3 naming the unreachable one', async () => {
    const web = await bosun(['ping', '--limit', 'web']);
    assert.equal(web.code, 0, web.stderr);
    assert.match(web.stdout, /^cli-host \| SUCCESS \| pong/m);
    const all = await bosun(['ping']);
    assert.equal(all.code, 3);
    assert.match(all.stdout, /^ghost \| UNREACHABLE \| .*127\.0\.0\.1:1/m);
    assert.match(all.stdout, /^cli-host \| SUCCESS/m);
  });

  it('facts prints the host facts as JSON', async () => {
    const run = await bosun(['facts', 'cli-host']);
    assert.equal(run.code, 0, run.stderr);
    const facts = JSON.parse(run.stdout);
    assert.equal(facts.os.id, 'debian');
    assert.equal(facts.os.codename, 'bookworm');
    assert.equal(facts.init, 'systemd');
    assert.equal(facts.isRoot, true);
    assert.equal(facts.sshd.service, 'ssh');
    assert.equal(facts.hostname, 'cli-host');
    assert.ok(facts.cpus >= 1 && facts.memoryMb > 0);
  });

  it('inventory --list and --graph show the shape ansible-inventory prints', async () => {
    const list = await runBosun(['inventory', '-i', inventoryFile, '--list']);
    assert.equal(list.code, 0, list.stderr);
    const json = JSON.parse(list.stdout);
    assert.deepEqual(json.all.children, ['ungrouped', 'web', 'db']);
    assert.deepEqual(json.web.hosts, ['cli-host']);
    assert.equal(json._meta.hostvars['cli-host'].bosun_port, host.port);
    const graph = await runBosun(['inventory', '-i', inventoryFile, '--graph']);
    assert.equal(
      graph.stdout,
      '@all:\n  |--@ungrouped:\n  |--@web:\n  |  |--cli-host\n  |--@db:\n  |  |--ghost\n',
    );
    const neither = await runBosun(['inventory', '-i', inventoryFile]);
    assert.equal(neither.code, 5);
  });

  it('an unknown host for facts is a clear bad-options error', async () => {
    const run = await bosun(['facts', 'nosuchhost']);
    assert.equal(run.code, 5);
    assert.match(run.stderr, /nosuchhost/);
  });
});
