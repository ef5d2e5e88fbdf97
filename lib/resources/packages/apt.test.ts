import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apt, aptActions, parseAptProbe, planApt, type AptDesired, type AptState } from './apt.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');
const want = (overrides: Partial<AptDesired> = {}): AptDesired => ({
  packages: [{ name: 'nginx' }],
  state: 'present',
  updateCache: true,
  cacheValidTime: 3600,
  purge: false,
  ...overrides,
});
const fresh = (packages: AptState['packages']): AptState => ({ packages, listsAge: 60 });

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
      changes: ['install nginx'],
    });
  });

  it('predicts the install on a fresh host whose lists are empty, saying it is unverified', () => {
    const current: AptState = { packages: { nginx: {} } };
    assert.deepEqual(planApt(current, want()), {
      changes: ['install nginx (unverified: the apt lists are empty)'],
    });
    assert.equal(aptActions(current, want()).refresh, true);
  });

  it('refreshes stale lists only when something is to be installed', () => {
    const stale = (packages: AptState['packages']): AptState => ({ packages, listsAge: 7 * 3600 });
    const missing = aptActions(stale({ nginx: { candidate: '1.22.1-9' } }), want());
    assert.deepEqual(missing, { refresh: true, install: ['nginx'], remove: [], lines: ['install nginx'] });
    const installed = aptActions(
      stale({ nginx: { status: 'installed', version: '1', candidate: '1' } }),
      want(),
    );
    assert.deepEqual(installed, { refresh: false, install: [], remove: [], lines: [] });
    const noUpdate = aptActions(stale({ nginx: { candidate: '1' } }), want({ updateCache: false }));
    assert.equal(noUpdate.refresh, false);
  });

  it('does not refresh fresh lists', () => {
    assert.equal(aptActions(fresh({ nginx: { candidate: '1' } }), want()).refresh, false);
  });

  it('waits for an earlier task when fresh lists do not know the package, and refreshes before installing', () => {
    const current = fresh({ 'docker-ce': {} });
    const desired = want({ packages: [{ name: 'docker-ce' }] });
    assert.deepEqual(planApt(current, desired), {
      changes: ['install docker-ce'],
      needsEarlierChanges:
        'package docker-ce is not in the apt lists yet (an earlier task adds its repository?)',
    });
    assert.equal(aptActions(current, desired).refresh, true);
  });

  it('changes nothing when every package is installed', () => {
    const current = fresh({ nginx: { status: 'installed', version: '1.22.1-9', candidate: '1.22.1-9' } });
    assert.deepEqual(planApt(current, want()), { changes: [] });
    assert.deepEqual(planApt(current, want({ state: 'latest' })), { changes: [] });
  });

  it('upgrades to the candidate with state latest', () => {
    const current = fresh({ curl: { status: 'installed', version: '7.1', candidate: '7.2' } });
    assert.deepEqual(planApt(current, want({ packages: [{ name: 'curl' }], state: 'latest' })), {
      changes: ['upgrade curl 7.1 → 7.2'],
    });
  });

  it('with state latest and stale lists, says it has to refresh to know', () => {
    const current: AptState = {
      packages: { curl: { status: 'installed', version: '7.2', candidate: '7.2' } },
      listsAge: 90000,
    };
    const actions = aptActions(current, want({ packages: [{ name: 'curl' }], state: 'latest' }));
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
      changes: ['install nginx=1.22.1-9 (now 1.22.1-8)'],
    });
    assert.deepEqual(
      planApt(current, want({ packages: [{ name: 'nginx', version: '1.22.1-8' }], state: 'latest' })),
      {
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
    assert.deepEqual(planApt(current, want({ packages, state: 'absent' })), { changes: ['remove telnet'] });
    const purge = aptActions(current, want({ packages, state: 'absent', purge: true }));
    assert.deepEqual(purge, {
      refresh: false,
      install: [],
      remove: ['telnet', 'ftp'],
      lines: ['purge telnet', 'purge ftp'],
    });
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
