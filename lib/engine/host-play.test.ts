import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { run, systemctl } from '../resources/actions.js';
import type { Check, Plan, Resource } from '../resources/resource.js';
import { FakeHost } from '../testing/fake-host.js';
import { sh } from '../transport/shell.js';
import type { Inventory, InventoryHost } from '../inventory/inventory.js';
import type { Playbook } from './playbook.js';
import type { Reporter, RunResult } from './results.js';
import { defineRole } from './role.js';
import { runPlaybook } from './run-playbook.js';
import { task } from './task.js';

/** A file on the fake host with the wanted content: probe is a script, plan is data. */
function line(path: string, content: string): Resource<string | undefined> {
  return {
    kind: 'line',
    id: path,
    probe: () => ({
      script: sh`cat ${path} 2>/dev/null || true`.text,
      parse: ({ stdout }) => (existsSync(path) ? stdout : undefined),
    }),
    plan: (current): Plan =>
      current === content
        ? { actions: [], changes: [] }
        : {
            actions: [run(sh`printf %s ${content} > ${path}`, `writing ${path}`, 'LINE_FAILED')],
            changes: [`write ${path}`],
          },
  };
}

/** Passes while `path` does not hold `forbidden`. */
function refuse(path: string, forbidden: string): Check<string> {
  return {
    kind: 'refuse',
    id: path,
    probe: () => ({ script: sh`cat ${path} 2>/dev/null || true`.text, parse: ({ stdout }) => stdout }),
    verify: (current) =>
      current === forbidden ? { passed: false, message: `${path} holds ${forbidden}` } : { passed: true },
  };
}

/** A handler that restarts a unit (planned only: the fake host has no systemd, so only check mode runs it). */
const restart = (unit: string): Resource<null> => ({
  kind: 'service',
  id: unit,
  refreshes: unit,
  probe: () => ({ script: 'true', parse: () => null }),
  plan: () => ({ actions: [systemctl('restart', unit)], changes: [`restart ${unit}`] }),
});

const silent: Reporter = {
  runStarted() {},
  playStarted() {},
  taskStarted() {},
  taskFinished() {},
  hostFinished() {},
  warn() {},
  runFinished: async () => {},
};

function inventoryOf(hosts: FakeHost[]): Inventory {
  const entries = hosts.map((host): [string, InventoryHost] => [
    host.name,
    {
      name: host.name,
      groups: ['all'],
      vars: {},
      connection: { connection: 'local', address: host.name, become: false },
    },
  ]);
  return {
    sources: ['test'],
    hosts: new Map(entries),
    groups: new Map([['all', { name: 'all', hosts: hosts.map((h) => h.name), children: [], vars: {} }]]),
  };
}

function runOn(hosts: FakeHost[], playbook: Playbook, check = false): Promise<RunResult> {
  const byName = new Map(hosts.map((host) => [host.name, host]));
  return runPlaybook(playbook, {
    inventory: inventoryOf(hosts),
    check,
    reporter: silent,
    connect: async (host) => byName.get(host.name)!.connect(),
  });
}

const role = (name: string, tasks: (root: FakeHost) => ReturnType<typeof task>[], handlers = {}) =>
  defineRole({
    name,
    variables: Type.Object({}),
    tasks: (_vars, { host }) => tasks(fakeHosts.get(host.name)!),
    handlers: () => handlers,
  })();

const fakeHosts = new Map<string, FakeHost>();
function fakeHost(name: string): FakeHost {
  const host = new FakeHost(name);
  fakeHosts.set(name, host);
  return host;
}

describe('a host play on a fake host', function () {
  // Each run starts local shells; a busy machine needs more than mocha's default 2 s.
  this.timeout(30_000);
  afterEach(() => {
    for (const host of fakeHosts.values()) host.remove();
    fakeHosts.clear();
  });

  const twoRoles = (): Playbook => ({
    name: 'two roles',
    plays: [
      {
        name: 'files',
        hosts: 'all',
        roles: [
          role('first', (h) => [
            task('a', line(h.path('a'), 'A')),
            task('b', line(h.path('b'), 'B')),
            task('not b = x', refuse(h.path('b'), 'x')),
          ]),
          role('second', (h) => [task('c', line(h.path('c'), 'C')), task('d', line(h.path('d'), 'D'))]),
        ],
      },
    ],
  });

  it('probes all tasks of a role in one round trip: a no-op run takes 1 + one per role', async () => {
    const host = fakeHost('noop');
    for (const [name, content] of Object.entries({ a: 'A', b: 'B', c: 'C', d: 'D' }))
      writeFileSync(host.path(name), content);
    const result = await runOn([host], twoRoles());
    assert.deepEqual(
      result.tasks.map((t) => [t.task, t.status]),
      [
        ['a', 'ok'],
        ['b', 'ok'],
        ['not b = x', 'ok'],
        ['c', 'ok'],
        ['d', 'ok'],
      ],
    );
    assert.equal(result.hosts[0].counters.commands, 3, host.commands.join('\n---\n'));
  });

  it('probes the tasks after a change again, and check mode predicts exactly what the run then changes', async () => {
    const predicted = fakeHost('check');
    writeFileSync(predicted.path('a'), 'A');
    const check = await runOn([predicted], twoRoles(), true);
    assert.equal(readdirSync(predicted.root).join(), 'a', 'check mode wrote nothing');

    const real = fakeHost('real');
    writeFileSync(real.path('a'), 'A');
    const converge = await runOn([real], twoRoles());
    const changes = (r: RunResult, host: FakeHost) =>
      r.tasks.map((t) => [t.task, t.status, t.changes.join().replace(host.root, '~')]);
    assert.deepEqual(changes(converge, real), changes(check, predicted));
    assert.deepEqual(changes(converge, real), [
      ['a', 'ok', ''],
      ['b', 'changed', 'write ~/b'],
      ['not b = x', 'ok', ''],
      ['c', 'changed', 'write ~/c'],
      ['d', 'changed', 'write ~/d'],
    ]);
    assert.equal(readFileSync(real.path('d'), 'utf8'), 'D');
    // Facts, the first role's probes, b, the rest probed again; then the facts again (the change may have made
    // them stale), the second role's probes, c, d probed again, d.
    assert.equal(converge.hosts[0].counters.commands, 9);
  });

  it('a failing check fails its host with its message, and nothing after it runs', async () => {
    const host = fakeHost('refused');
    writeFileSync(host.path('b'), 'x');
    const playbook = twoRoles();
    playbook.plays[0].roles![0] = role('first', (h) => [
      task('not b = x', refuse(h.path('b'), 'x')),
      task('a', line(h.path('a'), 'A')),
    ]);
    const result = await runOn([host], playbook);
    assert.deepEqual(result.hosts[0].failure, {
      task: 'not b = x',
      message: `${host.path('b')} holds x`,
      code: 'TASK_FAILED',
    });
    assert.equal(existsSync(host.path('a')), false);
  });

  it('records a notified handler before the change; a failure to record fails only that host', async () => {
    const [good, bad] = [fakeHost('good'), fakeHost('bad')];
    bad.fail(/pending-handlers.* && touch /);
    const playbook: Playbook = {
      name: 'markers',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          roles: [
            role('r', (h) => [task('a', line(h.path('a'), 'A'), { notify: ['h'] })], {
              h: line('/dev/null', ''),
            }),
          ],
        },
      ],
    };
    const result = await runOn([good, bad], playbook);
    const recap = new Map(result.hosts.map((h) => [h.host, h]));
    assert.equal(recap.get('good')?.failure, undefined);
    assert.equal(recap.get('bad')?.failure?.task, 'a');
    assert.match(recap.get('bad')!.failure!.message, /cannot record pending handlers/);
    assert.equal(existsSync(bad.path('a')), false, 'the change was not made without its marker');
    assert.equal(readFileSync(good.path('a'), 'utf8'), 'A');
    assert.deepEqual(
      readdirSync(good.path('pending-handlers')),
      [],
      'the marker is cleared once the handler ran',
    );
  });

  it('skips a handler whose unit the run started after the notifying change, and says so', async () => {
    const host = fakeHost('starts');
    const starter = (installedYet: boolean): Resource<null> => ({
      kind: 'service',
      id: 'app.service',
      probe: () => ({ script: 'true', parse: () => null }),
      plan: () => ({
        actions: [systemctl('start', 'app.service')],
        changes: ['start app.service'],
        ...(installedYet ? {} : { needsEarlierChanges: 'unit app.service is not installed yet' }),
      }),
    });
    const playbook = (startAfter: boolean, installedYet = true): Playbook => ({
      name: 'dedup',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          roles: [
            role(
              'r',
              (h) => {
                const config = task('config', line(h.path('conf'), 'new'), { notify: ['restart app'] });
                const start = task('app started', starter(installedYet));
                return startAfter ? [config, start] : [start, config];
              },
              { 'restart app': restart('app.service') },
            ),
          ],
        },
      ],
    });
    const handler = (r: RunResult) => r.tasks.find((t) => t.handler);
    const after = await runOn([host], playbook(true), true);
    assert.deepEqual(
      [handler(after)?.status, handler(after)?.message],
      ['ok', 'not needed: app.service was started after the change'],
    );
    const before = await runOn([host], playbook(false), true);
    assert.deepEqual(
      [handler(before)?.status, handler(before)?.changes],
      ['changed', ['restart app.service']],
    );
    // A start predicted only after earlier changes (the package's own script may start the unit first): the
    // handler may run or not, so check mode predicts it conditionally.
    const maybe = await runOn([host], playbook(true, false), true);
    assert.deepEqual([handler(maybe)?.status, handler(maybe)?.afterEarlierChanges], ['changed', true]);
  });
});
