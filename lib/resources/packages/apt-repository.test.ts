import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ResourceContext } from '../resource.js';
import { readSigningKey } from './apt-repository-key.js';
import {
  aptRepository,
  decideAptRepository,
  aptRepositoryDesired,
  aptUpdateProblems,
  parseAptRepositoryProbe,
  renderSources,
  type AptRepositoryOptions,
  type AptRepositoryState,
} from './apt-repository.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/apt-repository/${name}`, import.meta.url), 'utf8');
const rsa = fixture('rsa-key.asc');
const rsaKey = readSigningKey(rsa, 'test');
const otherKey = readSigningKey(fixture('ed25519-key.asc'), 'test');
const rsaPrint = '94CB C2C5 5A77 CDF0 0557 B7DE F1E4 1B45 CE26 F172';
const otherPrint = '4485 FC28 FD41 37E3 E918 746D 7356 1FB4 3551 3D56';

const docker: AptRepositoryOptions = {
  name: 'docker',
  uris: 'https://download.docker.com/linux/debian',
  suites: 'bookworm',
  components: ['stable'],
  architectures: ['amd64'],
  key: rsa,
};
const dockerSources = [
  '# Managed by Bosun: changes made here are overwritten.',
  'Types: deb',
  'URIs: https://download.docker.com/linux/debian',
  'Suites: bookworm',
  'Components: stable',
  'Architectures: amd64',
  'Signed-By: /etc/apt/keyrings/docker.gpg',
  '',
].join('\n');
const fresh: AptRepositoryState = { keyringDirExists: false, asRoot: true };
const installed = (overrides: Partial<AptRepositoryState> = {}): AptRepositoryState => ({
  keyringDirExists: true,
  asRoot: true,
  sources: { content: dockerSources, mode: '0644' },
  key: { content: rsaKey.binary, mode: '0644' },
  ...overrides,
});
const plan = (options: Partial<AptRepositoryOptions>, state: AptRepositoryState) =>
  aptRepository({ ...docker, ...options }).plan(state);
const sourcesPath = '/etc/apt/sources.list.d/docker.sources';
const keyPath = '/etc/apt/keyrings/docker.gpg';
const change = (command: string, extra: object = {}) => ({
  kind: 'run',
  command,
  what: 'changing apt repository docker',
  code: 'APT_REPOSITORY_FAILED',
  ...extra,
});
const write = (path: string, content: string | Buffer) => ({
  kind: 'upload',
  path,
  content,
  options: { mode: '0644' },
});
const code = (expected: string, message: RegExp) => (error: Error & { code?: string }) =>
  error.code === expected && message.test(error.message);

describe('renderSources', () => {
  it("renders Docker's deb822 stanza with Signed-By naming the repository's own key", () => {
    assert.equal(
      renderSources({
        types: ['deb'],
        uris: ['https://download.docker.com/linux/debian'],
        suites: ['bookworm'],
        components: ['stable'],
        architectures: ['amd64'],
        signedBy: '/etc/apt/keyrings/docker.gpg',
      }),
      dockerSources,
    );
  });

  it('leaves Components and Architectures out when there are none (a flat repository)', () => {
    assert.equal(
      renderSources({
        types: ['deb', 'deb-src'],
        uris: ['file:/srv/repo', 'https://mirror.example.test/repo'],
        suites: ['./'],
        components: [],
        signedBy: '/etc/apt/keyrings/local.gpg',
      }),
      [
        '# Managed by Bosun: changes made here are overwritten.',
        'Types: deb deb-src',
        'URIs: file:/srv/repo https://mirror.example.test/repo',
        'Suites: ./',
        'Signed-By: /etc/apt/keyrings/local.gpg',
        '',
      ].join('\n'),
    );
  });
});

describe('planAptRepository', () => {
  it('on a fresh host: creates the keyring folder, the key and the sources file, then refreshes the lists', () => {
    const actions = decideAptRepository(fresh, aptRepositoryDesired(docker));
    assert.deepEqual(actions.lines, [
      `create key /etc/apt/keyrings/docker.gpg (${rsaPrint})`,
      'create /etc/apt/sources.list.d/docker.sources',
      'refresh the apt lists',
    ]);
    assert.equal(actions.createKeyringDir, true);
    assert.deepEqual(actions.writeKey, rsaKey.binary, 'the dearmored key is what gets written');
    assert.equal(actions.writeSources, true);
    assert.equal(actions.refresh, true);
    assert.deepEqual(plan({}, fresh).actions, [
      change('mkdir -p -m 0755 /etc/apt/keyrings'),
      write(keyPath, rsaKey.binary),
      write(sourcesPath, dockerSources),
      { kind: 'custom', name: 'refresh-apt-lists', restore: [{ path: sourcesPath }, { path: keyPath }] },
    ]);
    assert.equal(
      actions.diff,
      [
        '--- before: /etc/apt/sources.list.d/docker.sources',
        '+++ after: /etc/apt/sources.list.d/docker.sources',
        '@@ -0,0 +1,7 @@',
        ...dockerSources
          .trimEnd()
          .split('\n')
          .map((line) => `+${line}`),
        '',
      ].join('\n'),
    );
  });

  it('changes nothing when both files are as wanted', () => {
    assert.deepEqual(plan({}, installed()), { actions: [], changes: [] });
  });

  it('fixes modes without rewriting and without refreshing the lists', () => {
    const state = installed({
      sources: { content: dockerSources, mode: '0600' },
      key: { content: rsaKey.binary, mode: '0640' },
    });
    assert.deepEqual(plan({}, state), {
      actions: [change(`chmod 0644 ${keyPath} ${sourcesPath}`)],
      changes: [
        'mode 0640 → 0644 of /etc/apt/keyrings/docker.gpg',
        'mode 0600 → 0644 of /etc/apt/sources.list.d/docker.sources',
      ],
    });
  });

  it('replaces another key, naming both fingerprints, and shows the diff of a changed suite', () => {
    const before = installed({ key: { content: otherKey.binary, mode: '0644' } });
    const result = plan({ suites: 'trixie' }, before);
    assert.deepEqual(result.changes, [
      `replace key /etc/apt/keyrings/docker.gpg (${otherPrint} → ${rsaPrint})`,
      'content of /etc/apt/sources.list.d/docker.sources',
      'refresh the apt lists',
    ]);
    assert.match(result.diff ?? '', /^-Suites: bookworm\n\+Suites: trixie$/m);
    assert.deepEqual(result.actions, [
      write(keyPath, rsaKey.binary),
      write(sourcesPath, dockerSources.replace('bookworm', 'trixie')),
      {
        kind: 'custom',
        name: 'refresh-apt-lists',
        restore: [
          { path: sourcesPath, before: before.sources },
          { path: keyPath, before: before.key },
        ],
      },
    ]);
  });

  it('replaces a key file that holds no key (an HTML page saved by a failed download)', () => {
    const state = installed({ key: { content: Buffer.from('<html>oops</html>'), mode: '0644' } });
    assert.equal(
      plan({}, state).changes[0],
      `replace key /etc/apt/keyrings/docker.gpg (not a key → ${rsaPrint})`,
    );
  });

  it('does not refresh the lists with updateCache: false', () => {
    assert.deepEqual(plan({ updateCache: false }, fresh).changes, [
      `create key /etc/apt/keyrings/docker.gpg (${rsaPrint})`,
      'create /etc/apt/sources.list.d/docker.sources',
    ]);
    assert.deepEqual(plan({ updateCache: false }, { ...fresh, asRoot: false }).actions, [
      change('mkdir -p -m 0755 /etc/apt/keyrings', {
        hint: 'apt repositories need root: connect as root or set become.',
      }),
      write(keyPath, rsaKey.binary),
      write(sourcesPath, dockerSources),
    ]);
  });

  it('refuses a key that does not match the pinned fingerprint', () => {
    assert.throws(
      () => plan({ keyFingerprint: otherPrint }, fresh),
      code('KEY_FINGERPRINT_MISMATCH', new RegExp(`is ${rsaPrint}, not the pinned ${otherPrint}`)),
    );
  });

  it('removes both files with state absent, and nothing when they are gone', () => {
    const removal = plan({ state: 'absent', key: undefined }, installed());
    assert.deepEqual(removal.changes, [
      'remove /etc/apt/sources.list.d/docker.sources',
      'remove /etc/apt/keyrings/docker.gpg',
      'refresh the apt lists',
    ]);
    assert.deepEqual(
      removal.actions,
      [change(`rm -f -- ${sourcesPath} ${keyPath}`), { kind: 'custom', name: 'refresh-apt-lists' }],
      'nothing to restore after a removal',
    );
    assert.deepEqual(plan({ state: 'absent' }, { keyringDirExists: true, asRoot: true }), {
      actions: [],
      changes: [],
    });
  });
});

describe('planAptRepository with keyUrl', () => {
  const byUrl: Partial<AptRepositoryOptions> = {
    key: undefined,
    keyUrl: 'https://download.docker.com/linux/debian/gpg',
  };

  it('compares the key the host downloaded with the key file', () => {
    assert.deepEqual(plan(byUrl, installed({ fetched: { content: Buffer.from(rsa) } })), {
      actions: [],
      changes: [],
    });
    assert.deepEqual(
      plan(byUrl, installed({ fetched: { content: Buffer.from(fixture('ed25519-key.asc')) } })).changes,
      [`replace key /etc/apt/keyrings/docker.gpg (${rsaPrint} → ${otherPrint})`, 'refresh the apt lists'],
    );
  });

  it('fails when the download failed, saying from where and how to fix it', () => {
    const state = {
      ...fresh,
      fetched: { error: 'curl: (6) Could not resolve host: download.docker.com; curl exit 6' },
    };
    assert.throws(
      () => plan(byUrl, state),
      code(
        'KEY_FETCH_FAILED',
        /from https:\/\/download\.docker\.com\/linux\/debian\/gpg: curl: \(6\) Could not resolve host.*\nMake the URL reachable/s,
      ),
    );
  });

  it('keeps a key file that matches the pin when the download fails (a re-run offline)', () => {
    const state = installed({ fetched: { error: 'curl exit 28' } });
    assert.deepEqual(plan({ ...byUrl, keyFingerprint: rsaPrint }, state), { actions: [], changes: [] });
    assert.throws(
      () => plan({ ...byUrl, keyFingerprint: otherPrint }, state),
      code('KEY_FETCH_FAILED', /curl exit 28/),
    );
  });

  it('waits for an earlier task when neither curl nor wget is installed yet', () => {
    const waiting = plan(byUrl, { ...fresh, fetched: { toolMissing: true } });
    assert.deepEqual(
      waiting.needsEarlierChanges,
      'neither curl nor wget is installed yet to download the key',
    );
    assert.deepEqual(
      waiting.actions?.[0],
      {
        kind: 'custom',
        name: 'download-key',
        url: 'https://download.docker.com/linux/debian/gpg',
        reason: 'neither curl nor wget is installed yet to download the key',
      },
      'a real run that still finds no tool fails before changing anything',
    );
  });
});

describe('aptRepository options', () => {
  const invalid = (options: Partial<AptRepositoryOptions>, message: RegExp) =>
    assert.throws(() => aptRepository({ ...docker, ...options }), code('APT_REPOSITORY_OPTIONS', message));

  it('refuses names apt would ignore and values that would break the stanza', () => {
    invalid({ name: 'docker ce' }, /name must be letters/);
    invalid({ name: '../x' }, /name must be letters/);
    invalid({ uris: 'https://example.test/a b' }, /URI 'https:\/\/example.test\/a b' is not valid/);
    invalid({ suites: 'bookworm\nSigned-By: /tmp/evil' }, /suite .* is not valid/s);
    invalid({ architectures: ['amd64 i386'] }, /architecture/);
  });

  it('wants exactly one source of the key, an http(s) key URL and a real fingerprint', () => {
    invalid({ key: undefined }, /give the signing key as `key` \(armored text\) or `keyUrl`/);
    invalid({ keyUrl: 'https://example.test/gpg' }, /one of the two/);
    invalid({ key: undefined, keyUrl: 'file:///etc/passwd' }, /must be an http\(s\) URL/);
    invalid({ keyFingerprint: '0EBFCD88' }, /not a fingerprint/);
  });

  it('wants components, except for a flat repository', () => {
    invalid({ components: [] }, /give the components/);
    invalid({ suites: './' }, /flat repository .* takes no components/);
    assert.doesNotThrow(() => aptRepository({ ...docker, suites: './', components: [] }));
  });
});

describe('aptUpdateProblems', () => {
  it("picks apt-get update's errors about this repository, not other sources' or mere warnings", () => {
    const output = [
      'Hit:1 http://deb.debian.org/debian bookworm InRelease',
      'Err:2 http://127.0.0.1:9/debian bookworm InRelease',
      '  Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)',
      'Err:3 http://other.example.test/debian bookworm InRelease',
      'W: Failed to fetch http://127.0.0.1:9/debian/dists/bookworm/InRelease  Could not connect',
      'W: Failed to fetch http://other.example.test/debian/dists/bookworm/InRelease',
      'W: Some index files failed to download. They have been ignored, or old ones used instead.',
      'W: http://127.0.0.1:9/debian/dists/bookworm/InRelease: Key is stored in legacy trusted.gpg keyring',
    ].join('\n');
    assert.deepEqual(aptUpdateProblems(output, ['http://127.0.0.1:9/debian/']), [
      'Err:2 http://127.0.0.1:9/debian bookworm InRelease',
      'W: Failed to fetch http://127.0.0.1:9/debian/dists/bookworm/InRelease  Could not connect',
    ]);
  });

  it('sees a repository whose signature apt cannot verify', () => {
    const output = [
      'Get:1 file:/srv/repo ./ InRelease [1,234 B]',
      "W: GPG error: file:/srv/repo ./ InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY F1E41B45CE26F172",
      "E: The repository 'file:/srv/repo ./ InRelease' is not signed.",
    ].join('\n');
    assert.equal(aptUpdateProblems(output, ['file:/srv/repo']).length, 2);
  });
});

describe('parseAptRepositoryProbe', () => {
  it('reads both files, their modes and the downloaded key', () => {
    const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
    const stdout = [
      'sources_mode=644',
      `sources=${b64(dockerSources)}`,
      'key_mode=600',
      `key=${b64(rsaKey.binary)}`,
      `fetched=${b64(rsa)}`,
    ].join('\n');
    assert.deepEqual(parseAptRepositoryProbe(stdout, ''), {
      keyringDirExists: true,
      sources: { content: dockerSources, mode: '0644' },
      key: { content: rsaKey.binary, mode: '0600' },
      fetched: { content: Buffer.from(rsa) },
    });
  });

  it("reads a failed download from stderr: the tool's message and its exit code", () => {
    const state = parseAptRepositoryProbe(
      'keyring_dir_missing=1\nfetched=\n',
      'curl: (6) Could not resolve host: download.docker.com\nfetch_error=curl exit 6\n',
    );
    assert.deepEqual(state, {
      keyringDirExists: false,
      sources: undefined,
      key: undefined,
      fetched: { error: 'curl: (6) Could not resolve host: download.docker.com; curl exit 6' },
    });
  });
});

describe('aptRepository probe', () => {
  const ctx = { transport: { hostName: 'vps1' }, facts: { isRoot: false } } as ResourceContext;
  const probe = aptRepository(docker).probe(ctx);
  assert.ok('script' in probe);

  it('adds whether the tasks run as root to what the script printed', () => {
    assert.deepEqual(probe.parse({ code: 0, stdout: 'keyring_dir_missing=1\n', stderr: '' }), {
      keyringDirExists: false,
      sources: undefined,
      key: undefined,
      asRoot: false,
    });
  });

  it('fails as the old probe did when its script fails', () => {
    assert.throws(
      () => probe.parse({ code: 126, stdout: '', stderr: 'sh: 1: base64: Permission denied\n' }),
      code('PROBE_FAILED', /^vps1: probing apt repository docker failed \(exit 126\):\nsh: 1: base64/),
    );
  });
});
