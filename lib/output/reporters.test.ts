import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { quote } from 'zx';
import type { HostRecap, Reporter, RunResult, TaskResult } from '../engine/results.js';
import { Redactor } from '../secrets/redactor.js';
import { SecretStore } from '../secrets/secret-store.js';
import { createReporter } from './create-reporter.js';
import { JsonReporter, type JsonReport } from './json-reporter.js';
import { PlainReporter } from './plain-reporter.js';
import { ProgressReporter } from './progress-reporter.js';
import { colorEnabled } from './style.js';

/** Collects what a reporter writes; `isTTY` makes it pass for a terminal. */
class Capture extends Writable {
  text = '';
  columns = 120;
  rows = 40;
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const SECRET = `Tr0ub4dor&"3'x\\y`;
const KEY = '-----BEGIN TEST KEY-----\nMIIEsecretKeyLineOne\nMIIEsecretKeyLineTwo\n-----END TEST KEY-----';
/** Every form in which the fake run below carries a secret: none may reach the output. */
const FORBIDDEN = [
  SECRET,
  JSON.stringify(SECRET).slice(1, -1),
  quote(SECRET).slice(2, -1),
  SECRET.replaceAll("'", `'\\''`),
  'MIIEsecretKeyLineOne',
  'MIIEsecretKeyLineTwo',
];

const counters = { connectionsOpened: 1, commands: 7, bytesSent: 2048, bytesReceived: 512 };

function result(overrides: Partial<TaskResult> & Pick<TaskResult, 'host' | 'task' | 'status'>): TaskResult {
  return {
    play: 'site',
    role: 'base',
    resource: { kind: 'file', id: '/etc/motd' },
    changes: [],
    durationMs: 210,
    roundTrips: 3,
    ...overrides,
  };
}

function recap(overrides: Partial<HostRecap> & Pick<HostRecap, 'host'>): HostRecap {
  return {
    ok: 0,
    changed: 0,
    failed: 0,
    skipped: 0,
    ignored: 0,
    unreachable: false,
    counters,
    durationMs: 1500,
    ...overrides,
  };
}

/** A run that leaks the secrets everywhere a resource or transport could put them. */
function leakyRun(): RunResult {
  const diff = [
    '--- before: /etc/app.env',
    '+++ after: /etc/app.env',
    '@@ -1,1 +1,6 @@',
    '-PASSWORD=old',
    `+PASSWORD=${SECRET}`,
    ...KEY.split('\n').map((line) => `+${line}`),
    '',
  ].join('\n');
  return {
    playbook: 'site',
    check: false,
    diff: true,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 2500,
    tasks: [
      result({
        host: 'web1',
        task: 'write env',
        status: 'changed',
        changes: [`password ${SECRET} set`],
        diff,
      }),
      result({
        host: 'web1',
        task: 'set password',
        status: 'failed',
        message: `command failed: echo ${quote(SECRET)} | chpasswd\nalso tried: echo '${SECRET.replaceAll("'", `'\\''`)}'`,
      }),
      result({
        host: 'web2',
        task: 'call api',
        status: 'failed',
        ignored: true,
        message: `response ${JSON.stringify({ token: SECRET })}`,
      }),
      result({ host: 'web2', task: 'upload key', status: 'changed', changes: [`key:\n${KEY}`] }),
    ],
    hosts: [
      recap({
        host: 'web1',
        changed: 1,
        failed: 1,
        failure: { task: 'set password', message: `exit 1: ${SECRET}`, code: 'COMMAND_FAILED' },
      }),
      recap({ host: 'web2', changed: 1, ignored: 1 }),
    ],
  };
}

async function feed(reporter: Reporter, run: RunResult, warnings: string[] = []): Promise<void> {
  const hosts = run.hosts.map((h) => h.host);
  reporter.runStarted({ playbook: run.playbook, hosts, check: run.check, diff: run.diff });
  reporter.playStarted({ play: 'site', hosts });
  for (const task of run.tasks) {
    reporter.taskStarted({ host: task.host, play: task.play, role: task.role, task: task.task });
    reporter.taskFinished(task);
  }
  for (const warning of warnings) reporter.warn(warning, 'web1');
  for (const host of run.hosts) reporter.hostFinished(host);
  await reporter.runFinished(run);
}

function secretRedactor(): Redactor {
  const redactor = new Redactor();
  redactor.add(SECRET);
  redactor.add(KEY);
  return redactor;
}

function assertNoSecret(output: string) {
  for (const form of FORBIDDEN)
    assert.ok(!output.includes(form), `output contains ${JSON.stringify(form)}:\n${output}`);
  assert.ok(output.includes('***'), output);
}

describe('reporters redact every secret', () => {
  const warnings = [`retrying with ${SECRET}`];
  const reporters: [string, (stream: Capture, redactor: Redactor) => Reporter, boolean][] = [
    ['PlainReporter', (stream, redactor) => new PlainReporter({ stream, redactor, color: false }), false],
    [
      'PlainReporter, coloured and verbose',
      (stream, redactor) => new PlainReporter({ stream, redactor, color: true, verbose: true }),
      false,
    ],
    ['ProgressReporter', (stream, redactor) => new ProgressReporter({ stream, redactor, color: true }), true],
    ['JsonReporter', (stream, redactor) => new JsonReporter({ stream, redactor }), false],
  ];
  for (const [name, make, tty] of reporters) {
    it(`${name}: plain, quoted, JSON-escaped and multi-line secrets in diffs, messages and changes`, async () => {
      const stream = new Capture(tty);
      await feed(make(stream, secretRedactor()), leakyRun(), warnings);
      assert.ok(stream.text.includes('web1'), stream.text);
      assertNoSecret(stream.text);
    });
  }

  it('uses the process-wide redactor that the secret store registers with by default', async () => {
    const value = 'process-wide-secret-value-42';
    new SecretStore({ env: { BOSUN_TEST_SECRET: value } }).secret('BOSUN_TEST_SECRET');
    const stream = new Capture();
    const run = leakyRun();
    run.tasks[0].message = `leaked ${value}`;
    await feed(new PlainReporter({ stream }), run);
    assert.ok(!stream.text.includes(value));
    assert.ok(stream.text.includes('leaked ***'), stream.text);
  });
});

describe('PlainReporter', () => {
  const redactor = new Redactor();
  const motdDiff = '--- before: /etc/motd\n+++ after: /etc/motd\n@@ -1,1 +1,1 @@\n-old\n+new\n';

  function smallRun(check: boolean): RunResult {
    return {
      playbook: 'site',
      check,
      diff: true,
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 2500,
      tasks: [
        result({ host: 'web1', task: 'motd', status: 'ok' }),
        result({ host: 'web2', task: 'motd', status: 'changed', changes: ['content'], diff: motdDiff }),
        result({
          host: 'web1',
          task: 'nginx',
          status: 'skipped',
          message: 'when is false',
          resource: { kind: 'apt', id: 'nginx' },
        }),
        result({
          host: 'web2',
          task: 'motd',
          status: 'changed',
          changes: ['restart'],
          handler: true,
          afterEarlierChanges: true,
        }),
        result({
          host: 'web2',
          role: undefined,
          task: 'reload',
          status: 'failed',
          message: 'exit 1\nstderr: nope',
        }),
      ],
      hosts: [
        recap({ host: 'web1', ok: 1, skipped: 1 }),
        recap({
          host: 'web2',
          changed: 2,
          failed: 1,
          failure: { task: 'reload', message: 'exit 1', code: 'COMMAND_FAILED' },
        }),
        recap({
          host: 'db1',
          unreachable: true,
          failure: { message: 'connection refused', code: 'SSH_CONNECT' },
        }),
      ],
    };
  }

  it('prints results under their task, then the recap and failures', async () => {
    const stream = new Capture();
    await feed(new PlainReporter({ stream, redactor, color: false }), smallRun(false), ['low disk']);
    const stars = (n: number) => '*'.repeat(n);
    assert.equal(
      stream.text,
      [
        '',
        `PLAY [site] ${stars(68)}`,
        '',
        `TASK [base : motd] ${stars(61)}`,
        'ok: [web1]',
        'changed: [web2]',
        '    content',
        '--- before: /etc/motd',
        '+++ after: /etc/motd',
        '@@ -1,1 +1,1 @@',
        '-old',
        '+new',
        '',
        `TASK [base : nginx] ${stars(60)}`,
        'skipping: [web1] => when is false',
        '',
        `RUNNING HANDLER [base : motd] ${stars(50)}`,
        'changed: [web2]',
        '    restart',
        '',
        `TASK [reload] ${stars(66)}`,
        'failed: [web2] => exit 1',
        '    stderr: nope',
        '[WARNING]: web1: low disk',
        '',
        `PLAY RECAP ${stars(69)}`,
        'web1                       : ok=1    changed=0    unreachable=0    failed=0    skipped=1    ignored=0',
        'web2                       : ok=0    changed=2    unreachable=0    failed=1    skipped=0    ignored=0',
        'db1                        : ok=0    changed=0    unreachable=1    failed=0    skipped=0    ignored=0',
        '',
        'web2: failed at task [reload]: exit 1 (COMMAND_FAILED)',
        'db1: unreachable: connection refused (SSH_CONNECT)',
        '',
      ].join('\n'),
    );
  });

  it('says "would change" in check mode', async () => {
    const stream = new Capture();
    await feed(new PlainReporter({ stream, redactor, color: false }), smallRun(true));
    const lines = stream.text.split('\n');
    assert.match(lines[0], /^CHECK MODE/);
    assert.ok(lines.includes('changed: [web2] (would change)'), stream.text);
    assert.ok(lines.includes('changed: [web2] (would change after earlier changes)'), stream.text);
    assert.equal(lines[lines.indexOf('changed: [web2] (would change)') + 1], '    content');
  });

  it('adds resource, duration and round trips per task, and transport counters per host, with -v', async () => {
    const stream = new Capture();
    await feed(new PlainReporter({ stream, redactor, color: false, verbose: 1 }), smallRun(false));
    assert.ok(stream.text.includes('ok: [web1] [file /etc/motd, 210ms, 3 round trips]\n'), stream.text);
    assert.ok(
      stream.text.includes('\n    1 connection, 7 round trips, 2.0 KiB sent, 512 B received, 1.5s\n'),
    );
    assert.ok(stream.text.includes('Run finished in 2.5s'));
  });

  it('colours only when asked', async () => {
    const plain = new Capture();
    await feed(new PlainReporter({ stream: plain, redactor, color: false }), smallRun(false));
    assert.ok(!plain.text.includes('\x1b['));
    const colored = new Capture();
    await feed(new PlainReporter({ stream: colored, redactor, color: true }), smallRun(false));
    assert.ok(colored.text.includes('\x1b[33mchanged: [web2]\x1b[39m'), colored.text);
    assert.ok(colored.text.includes('\x1b[31m-old\x1b[39m'));
  });

  it('defaults to no colour on a stream that is not a terminal', async () => {
    const stream = new Capture(false);
    await feed(new PlainReporter({ stream, redactor }), smallRun(false));
    assert.ok(!stream.text.includes('\x1b['));
  });
});

describe('ProgressReporter', () => {
  it('shows one row per host, then the changed and failed results and the recap', async () => {
    const stream = new Capture(true);
    const run = leakyRun();
    run.tasks.push(result({ host: 'web2', task: 'quiet', status: 'skipped', message: 'skip-reason-xyz' }));
    await feed(new ProgressReporter({ stream, redactor: secretRedactor(), color: false }), run);
    assert.match(stream.text, /web2 {2}ok=0 changed=1 failed=0 skipped=0/);
    assert.ok(stream.text.includes('[set password] exit 1: ***'), 'failed row names the task and reason');
    assert.ok(stream.text.includes('TASK [base : write env]'));
    assert.ok(stream.text.includes('changed: [web1]'));
    assert.ok(!stream.text.includes('skip-reason-xyz'), 'skipped results are not repeated without -v');
    assert.ok(stream.text.includes('PLAY RECAP'));
  });

  it('finishes even when the engine never reports a host as finished', async () => {
    const stream = new Capture(true);
    const reporter: Reporter = new ProgressReporter({ stream, redactor: new Redactor(), color: false });
    reporter.runStarted({ playbook: 'site', hosts: ['web1'], check: false, diff: false });
    reporter.taskStarted({ host: 'web1', play: 'site', task: 'motd' });
    await reporter.runFinished({
      playbook: 'site',
      check: false,
      diff: false,
      startedAt: '',
      durationMs: 1,
      hosts: [],
      tasks: [],
    });
    assert.ok(stream.text.includes('PLAY RECAP'));
  });
});

describe('JsonReporter', () => {
  it('prints nothing until the run finishes, then one parseable document with stats and warnings', async () => {
    const stream = new Capture();
    const reporter: Reporter = new JsonReporter({ stream, redactor: secretRedactor() });
    const run = leakyRun();
    reporter.runStarted({ playbook: 'site', hosts: ['web1', 'web2'], check: false, diff: true });
    for (const task of run.tasks) reporter.taskFinished(task);
    reporter.warn('low disk', 'web2');
    assert.equal(stream.text, '');
    await reporter.runFinished(run);
    const report = JSON.parse(stream.text) as JsonReport;
    assert.deepEqual(report.stats, {
      web1: { ok: 0, changed: 1, unreachable: 0, failures: 1, skipped: 0, ignored: 0 },
      web2: { ok: 0, changed: 1, unreachable: 0, failures: 0, skipped: 0, ignored: 1 },
    });
    assert.deepEqual(report.hosts[0].counters, counters);
    assert.equal(report.tasks.length, 4);
    assert.match(report.tasks[0].diff ?? '', /^\+PASSWORD=\*\*\*$/m);
    assert.equal(report.tasks[2].message, 'response {"token":"***"}');
    assert.deepEqual(report.warnings, [{ message: 'low disk', host: 'web2' }]);
    assert.equal(report.hosts[0].failure?.message, 'exit 1: ***');
  });

  it('masks a secret escaped twice (a JSON file inside a diff)', async () => {
    const stream = new Capture();
    const run = leakyRun();
    run.tasks[0].diff = `+${JSON.stringify({ password: SECRET })}\n`;
    await new JsonReporter({ stream, redactor: secretRedactor() }).runFinished(run);
    assertNoSecret(stream.text);
    assert.equal((JSON.parse(stream.text) as JsonReport).tasks[0].diff, '+{"password":"***"}\n');
  });
});

describe('createReporter', () => {
  it('picks JSON on request, progress on a terminal outside CI, plain lines otherwise', async () => {
    const stream = new Capture(true);
    assert.ok((await createReporter({ json: true, stream, tty: true })) instanceof JsonReporter);
    assert.ok((await createReporter({ stream, tty: true, ci: false })) instanceof ProgressReporter);
    assert.ok((await createReporter({ stream, tty: true, ci: true })) instanceof PlainReporter);
    assert.ok((await createReporter({ stream, tty: false, ci: false })) instanceof PlainReporter);
    assert.ok((await createReporter({ stream: new Capture(false), ci: false })) instanceof PlainReporter);
  });

  it('colours on a terminal unless NO_COLOR is set', () => {
    assert.equal(colorEnabled(true, {}), true);
    assert.equal(colorEnabled(true, { NO_COLOR: '1' }), false);
    assert.equal(colorEnabled(true, { NO_COLOR: '' }), true);
    assert.equal(colorEnabled(false, {}), false);
  });
});
