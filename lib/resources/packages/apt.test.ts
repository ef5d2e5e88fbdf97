import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RunAction } from '../actions.js';
import { apt, decideApt, parseAptProbe, planApt, type AptDesired, type AptState } from './apt.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');
const want = (overrides: Partial<AptDesired> = {}): AptDesired => ({
  packages: [{ name: 'nginx' }],
  state: 'present',
  updateCache: true,
  cacheValidTime: 3600,
  purge: false,
  installRecommends: true,
  ...overrides,
});
const fresh = (packages: AptState['packages']): AptState => ({ packages, listsAge: 60, asRoot: true });
const flags =
  '-y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
const refresh = [
  'apt-get -q -o DPkg::Lock::Timeout=120 update',
  'mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp',
];
/** The one script the plan runs: its steps after `set -e`, named after the plan's lines. */
const aptRun = (lines: string[], steps: string[]): RunAction => ({
  kind: 'run',
  command: ['set -e', ...steps].join('\n'),
  what: `apt (${lines.join(', ')})`,
  code: 'APT_FAILED',
  env: { DEBIAN_FRONTEND: 'noninteractive' },
});

describe('parseAptProbe', () => {
  it('reads dpkg status and candidates on a host whose apt lists were never downloaded', () => {
    assert.deepEqual(parseAptProbe(fixture('apt-probe-empty-lists'), ['bash', 'tree', 'curl', 'nosuchpkg']), {
      packages: {
        bash: { status: 'installed', version: '5.2.15-2+b13', candidate: '5.2.15-2+b13' },
        tree: {},
        curl: { status: 'installed', version: '7.88.1-10+deb12u15', candidate: '7.88.1-10+deb12u15' },
        nosuchpkg: {},
      },
    });
  });

  it('reads candidates and the age of fresh lists', () => {
    assert.deepEqual(parseAptProbe(fixture('apt-probe-fresh-lists'), ['bash', 'tree', 'curl', 'nosuchpkg']), {
      packages: {
        bash: { status: 'installed', version: '5.2.15-2+b13', candidate: '5.2.15-2+b13' },
        tree: { candidate: '2.1.0-1' },
        curl: { candidate: '7.88.1-10+deb12u15' },
        nosuchpkg: {},
      },
      listsAge: 1,
    });
  });

  it('reads a probe whose lists were refreshed a day ago and whose package is held back', () => {
    const state = parseAptProbe(
      [
        'now=1795439128',
        'stamp=1795352728',
        'lists=1795352700',
        'lists_populated=1',
        'dpkg\tcurl\tinstalled\t7.88.1-10+deb12u5',
        'curl:',
        '  Installed: 7.88.1-10+deb12u5',
        '  Candidate: 7.88.1-10+deb12u15',
        '  Version table:',
        '     7.88.1-10+deb12u15 500',
        ' *** 7.88.1-10+deb12u5 100',
      ].join('\n'),
      ['curl'],
    );
    assert.deepEqual(state, {
      packages: {
        curl: { status: 'installed', version: '7.88.1-10+deb12u5', candidate: '7.88.1-10+deb12u15' },
      },
      listsAge: 86400,
    });
  });

  it('takes the newer of the update stamp and the lists folder, and keeps a removed package’s status', () => {
    const state = parseAptProbe(
      'now=10000\nstamp=9000\nlists=5000\nlists_populated=1\ndpkg\ttelnet\tconfig-files\t0.17+2.4-2\n',
      ['telnet'],
    );
    assert.deepEqual(state, { packages: { telnet: { status: 'config-files' } }, listsAge: 1000 });
  });
});

describe('planApt', () => {
  it('installs a missing package that the lists know', () => {
    assert.deepEqual(planApt(fresh({ nginx: { candidate: '1.22.1-9' } }), want()), {
      actions: [aptRun(['install nginx'], [`apt-get ${flags} install nginx`])],
      changes: ['install nginx'],
    });
  });

  it('predicts the install on a fresh host whose lists are empty, saying it is unverified', () => {
    const current: AptState = { packages: { nginx: {} }, asRoot: true };
    const lines = ['install nginx (unverified: the apt lists are empty)'];
    assert.deepEqual(planApt(current, want()), {
      actions: [aptRun(lines, [...refresh, `apt-get ${flags} install nginx`])],
      changes: lines,
    });
    assert.equal(decideApt(current, want()).refresh, true);
  });

  it('refreshes stale lists only when something is to be installed', () => {
    const stale = (packages: AptState['packages']): AptState => ({
      packages,
      listsAge: 7 * 3600,
      asRoot: true,
    });
    const missing = decideApt(stale({ nginx: { candidate: '1.22.1-9' } }), want());
    assert.deepEqual(missing, { refresh: true, install: ['nginx'], remove: [], lines: ['install nginx'] });
    const installed = decideApt(
      stale({ nginx: { status: 'installed', version: '1', candidate: '1' } }),
      want(),
    );
    assert.deepEqual(installed, { refresh: false, install: [], remove: [], lines: [] });
    const noUpdate = decideApt(stale({ nginx: { candidate: '1' } }), want({ updateCache: false }));
    assert.equal(noUpdate.refresh, false);
    assert.deepEqual(planApt(stale({ nginx: { candidate: '1' } }), want({ updateCache: false })).actions, [
      aptRun(['install nginx'], [`apt-get ${flags} install nginx`]),
    ]);
  });

  it('does not refresh fresh lists', () => {
    assert.equal(decideApt(fresh({ nginx: { candidate: '1' } }), want()).refresh, false);
  });

  it('waits for an earlier task when fresh lists do not know the package, and refreshes before installing', () => {
    const current = fresh({ 'docker-ce': {} });
    const desired = want({ packages: [{ name: 'docker-ce' }] });
    assert.deepEqual(planApt(current, desired), {
      actions: [aptRun(['install docker-ce'], [...refresh, `apt-get ${flags} install docker-ce`])],
      changes: ['install docker-ce'],
      needsEarlierChanges:
        'package docker-ce is not in the apt lists yet (an earlier task adds its repository?)',
    });
    assert.equal(decideApt(current, desired).refresh, true);
  });

  it('changes nothing when every package is installed', () => {
    const current = fresh({ nginx: { status: 'installed', version: '1.22.1-9', candidate: '1.22.1-9' } });
    assert.deepEqual(planApt(current, want()), { actions: [], changes: [] });
    assert.deepEqual(planApt(current, want({ state: 'latest' })), { actions: [], changes: [] });
  });

  it('upgrades to the candidate with state latest', () => {
    const current = fresh({ curl: { status: 'installed', version: '7.1', candidate: '7.2' } });
    assert.deepEqual(planApt(current, want({ packages: [{ name: 'curl' }], state: 'latest' })), {
      actions: [aptRun(['upgrade curl 7.1 → 7.2'], [`apt-get ${flags} install curl`])],
      changes: ['upgrade curl 7.1 → 7.2'],
    });
  });

  it('with state latest and stale lists, says it has to refresh to know', () => {
    const current: AptState = {
      packages: { curl: { status: 'installed', version: '7.2', candidate: '7.2' } },
      listsAge: 90000,
      asRoot: true,
    };
    const actions = decideApt(current, want({ packages: [{ name: 'curl' }], state: 'latest' }));
    assert.deepEqual(actions, {
      refresh: true,
      install: ['curl'],
      remove: [],
      lines: ['upgrade curl if a newer version is available (the apt lists are 25 h old)'],
    });
  });

  it('installs a pinned version that differs from the installed one', () => {
    const current = fresh({ nginx: { status: 'installed', version: '1.22.1-8', candidate: '1.22.1-9' } });
    assert.deepEqual(planApt(current, want({ packages: [{ name: 'nginx', version: '1.22.1-9' }] })), {
      actions: [
        aptRun(['install nginx=1.22.1-9 (now 1.22.1-8)'], [`apt-get ${flags} install nginx=1.22.1-9`]),
      ],
      changes: ['install nginx=1.22.1-9 (now 1.22.1-8)'],
    });
    assert.deepEqual(
      planApt(current, want({ packages: [{ name: 'nginx', version: '1.22.1-8' }], state: 'latest' })),
      {
        actions: [],
        changes: [],
      },
    );
  });

  it('removes installed packages, and purges leftover configuration only with purge', () => {
    const current = fresh({
      telnet: { status: 'installed', version: '1' },
      ftp: { status: 'config-files' },
      rsh: {},
    });
    const packages = [{ name: 'telnet' }, { name: 'ftp' }, { name: 'rsh' }];
    assert.deepEqual(planApt(current, want({ packages, state: 'absent' })), {
      actions: [aptRun(['remove telnet'], [`apt-get ${flags} remove telnet`])],
      changes: ['remove telnet'],
    });
    const purge = decideApt(current, want({ packages, state: 'absent', purge: true }));
    assert.deepEqual(purge, {
      refresh: false,
      install: [],
      remove: ['telnet', 'ftp'],
      lines: ['purge telnet', 'purge ftp'],
    });
    assert.deepEqual(planApt(current, want({ packages, state: 'absent', purge: true })).actions, [
      aptRun(['purge telnet', 'purge ftp'], [`apt-get ${flags} purge telnet ftp`]),
    ]);
  });

  it('skips recommends when asked, and tells a user who is not root that apt needs root', () => {
    const current = { ...fresh({ nginx: { candidate: '1' } }), asRoot: false };
    assert.deepEqual(planApt(current, want({ installRecommends: false })).actions, [
      {
        ...aptRun(['install nginx'], [`apt-get ${flags} --no-install-recommends install nginx`]),
        hint: 'apt needs root: connect as root or set become.',
      },
    ]);
  });
});

describe('apt() options', () => {
  it('accepts packages or name, a string or a list', () => {
    assert.equal(apt({ packages: ['nginx', 'curl=7.88.1-10'] }).id, 'nginx curl=7.88.1-10');
    assert.equal(apt({ name: 'tree' }).id, 'tree');
  });

  it('rejects names that could be options or shell, and empty lists', () => {
    assert.throws(() => apt({ packages: ['-o', 'x'] }), /not a Debian package name/);
    assert.throws(() => apt({ packages: ['tree; touch /tmp/pwned'] }), /not a Debian package name/);
    assert.throws(() => apt({ packages: [] }), /give the packages/);
    assert.throws(() => apt({ packages: 'ab', name: 'cd' }), /one of the two/);
    assert.throws(() => apt({ packages: 'ab', cacheValidTime: -1 }), /cacheValidTime/);
  });
});
