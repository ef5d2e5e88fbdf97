import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apt, aptRepository, playbook, task, type Playbook, type RunResult } from '../../lib/index.js';
import {
  diffFingerprints,
  fingerprintHost,
  runInProcess,
  ThrowawayFleet,
  type CapturedRun,
} from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { docker } from '../../roles/index.js';

const fixtureKey = readFileSync(
  new URL('../../lib/resources/packages/fixtures/apt-repository/rsa-key.asc', import.meta.url),
  'utf8',
);
const fixturePrint = '94CB C2C5 5A77 CDF0 0557 B7DE F1E4 1B45 CE26 F172';

describe('apt repositories on a throwaway host', function () {
  this.timeout(15 * 60_000);
  let fleet: ThrowawayFleet | undefined;
  let host: ThrowawayHost;
  const run = (book: Playbook, options: { check?: boolean } = {}): Promise<CapturedRun> =>
    runInProcess(book, {
      ...options,
      diff: true,
      inventoryFile: fleet!.inventoryFile,
      knownHostsFile: fleet!.knownHostsFile,
    });

  before(async () => {
    fleet = await ThrowawayFleet.start([{ name: 'apt-repo-1', groups: ['repo'] }]);
    host = fleet.hosts[0];
  });
  after(async () => {
    await fleet?.stop();
  });

  // Docker's site is not reachable from these machines: the 'docker' source is proven in check mode, with a
  // test key given as text (so that nothing is downloaded) and its fingerprint pinned in place of Docker's.
  it("docker role, source 'docker': check mode predicts the signed repository and docker-ce, and writes nothing", async () => {
    const before = await fingerprintHost(host);
    const book = playbook({
      name: 'docker-ce',
      plays: [
        {
          name: 'docker',
          hosts: 'repo',
          roles: [docker({ repositoryKey: fixtureKey, repositoryKeyFingerprint: fixturePrint })],
        },
      ],
    });
    const check = await run(book, { check: true });
    assert.deepEqual(diffFingerprints(before, await fingerprintHost(host)), [], 'check mode wrote nothing');
    assertNoFailure(check);
    const byTask = new Map(check.result.tasks.map((result) => [result.task, result]));
    assert.equal(
      byTask.get('repository prerequisites')?.status,
      'ok',
      'ca-certificates is in the image (no curl: the key is given as text)',
    );
    assert.deepEqual(byTask.get("Docker's apt repository")?.changes, [
      `create key /etc/apt/keyrings/docker.gpg (${fixturePrint})`,
      'create /etc/apt/sources.list.d/docker.sources',
      'refresh the apt lists',
    ]);
    const diff = byTask.get("Docker's apt repository")?.diff ?? '';
    for (const line of [
      'URIs: https://download.docker.com/linux/debian',
      'Suites: bookworm',
      'Components: stable',
      'Architectures: amd64',
      'Signed-By: /etc/apt/keyrings/docker.gpg',
    ])
      assert.ok(diff.includes(`\n+${line}\n`), `${line} in\n${diff}`);
    assert.deepEqual(
      byTask.get('Docker packages')?.changes,
      ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin'].map(
        (name) => `install ${name} (unverified: the apt lists are empty)`,
      ),
    );
    assert.equal(byTask.get('docker running and enabled')?.afterEarlierChanges, true);
    assert.match(check.output, /CHECK MODE/);
  });

  describe('a local repository signed with its own key (file: URI, flat layout)', () => {
    let key: string;
    const local = (options: Partial<Parameters<typeof aptRepository>[0]> = {}, state?: 'absent') =>
      playbook({
        name: 'local repository',
        plays: [
          {
            name: 'repo',
            hosts: 'repo',
            tasks: () => [
              task(
                'bosun-local repository',
                aptRepository({
                  name: 'bosun-local',
                  uris: 'file:/srv/bosun-repo',
                  suites: './',
                  key,
                  ...options,
                }),
              ),
              task('bosun-hello', apt({ packages: ['bosun-hello'], state: state ?? 'present' })),
            ],
          },
        ],
      });

    before(async () => {
      key = await buildSignedRepository(host);
    });

    it('check predicts, converge adds the key and the sources file, apt installs from it, a re-run changes nothing', async () => {
      const before = await fingerprintHost(host);
      const check = await run(local(), { check: true });
      assertNoFailure(check);
      assert.deepEqual(diffFingerprints(before, await fingerprintHost(host)), []);

      const converge = await run(local());
      assertNoFailure(converge);
      assert.deepEqual(changed(converge.result), [
        [
          'bosun-local repository',
          [
            `create key /etc/apt/keyrings/bosun-local.gpg (${await hostKeyFingerprint(host)})`,
            'create /etc/apt/sources.list.d/bosun-local.sources',
            'refresh the apt lists',
          ],
        ],
        ['bosun-hello', ['install bosun-hello']],
      ]);
      assert.deepEqual(changed(check.result), changed(converge.result), 'check predicted the converge run');
      assert.equal(
        check.result.tasks[1].afterEarlierChanges,
        true,
        'the package waits for its repository: the lists are fresh but do not know it yet',
      );
      assert.equal(
        (await host.exec("dpkg-query -W -f '${Status} ${Version}' bosun-hello")).output,
        'install ok installed 1.0',
      );
      // The key file is what `gpg --dearmor` makes of the armored key, world-readable for apt's _apt user.
      assert.equal(
        (
          await host.exec(
            'stat -c %a /etc/apt/keyrings/bosun-local.gpg; sha256sum < /etc/apt/keyrings/bosun-local.gpg',
          )
        ).output,
        `644\n${(await host.exec('gpg --dearmor < /srv/bosun-repo.asc | sha256sum')).output}`,
      );
      assert.match(
        (await host.exec('cat /etc/apt/sources.list.d/bosun-local.sources')).output,
        /^URIs: file:\/srv\/bosun-repo\nSuites: \.\/\nSigned-By: \/etc\/apt\/keyrings\/bosun-local\.gpg\n$/m,
      );

      const again = await run(local());
      assertNoFailure(again);
      assert.deepEqual(changed(again.result), []);
    });

    it('downloads the key from keyUrl on the host, and checks it against the pin', async () => {
      const keyUrl = 'http://127.0.0.1:8080/bosun-repo.asc';
      const pin = await hostKeyFingerprint(host);
      const same = await run(local({ key: undefined, keyUrl, keyFingerprint: pin }));
      assertNoFailure(same);
      assert.deepEqual(changed(same.result), [], 'the downloaded key is the one in place');

      const wrongPin = await run(local({ key: undefined, keyUrl, keyFingerprint: fixturePrint }));
      assert.equal(wrongPin.result.tasks[0].status, 'failed');
      assert.match(
        wrongPin.result.tasks[0].message ?? '',
        new RegExp(`the key's fingerprint is ${pin}, not the pinned ${fixturePrint}`),
      );

      // Unreachable: a key file that matches the pin is kept; without a pin the task fails and says why.
      const offline = { key: undefined, keyUrl: 'http://127.0.0.1:9/bosun-repo.asc' };
      assert.deepEqual(changed((await run(local({ ...offline, keyFingerprint: pin }))).result), []);
      const unpinned = await run(local(offline));
      assert.match(
        unpinned.result.tasks[0].message ?? '',
        /cannot download the key of apt repository bosun-local from http:\/\/127\.0\.0\.1:9\/bosun-repo\.asc: curl: \(7\).*curl exit 7/s,
      );
    });

    it('restores the previous files when apt rejects the repository (signed by another key)', async () => {
      const wrong = playbook({
        name: 'wrong key',
        plays: [
          {
            name: 'repo',
            hosts: 'repo',
            tasks: () => [
              task(
                'bosun-wrong repository',
                aptRepository({
                  name: 'bosun-wrong',
                  uris: 'file:/srv/bosun-repo-copy',
                  suites: './',
                  key: fixtureKey,
                }),
              ),
            ],
          },
        ],
      });
      const result = await run(wrong);
      const message = result.result.tasks[0].message ?? '';
      assert.equal(result.result.tasks[0].status, 'failed');
      assert.match(
        message,
        /apt-get update failed for apt repository bosun-wrong; its previous files were restored:/,
      );
      assert.match(message, /NO_PUBKEY|not signed/);
      assert.equal(
        (
          await host.exec(
            'ls /etc/apt/sources.list.d/bosun-wrong.sources /etc/apt/keyrings/bosun-wrong.gpg 2>&1 | grep -c "No such file"',
          )
        ).output.trim(),
        '2',
      );
      const update = await host.exec('apt-get -q update 2>&1');
      assert.equal(update.code, 0, update.output);
      assert.doesNotMatch(update.output, /^(W|E):/m, 'apt works as before');
    });

    it("state 'absent' removes both files and refreshes the lists", async () => {
      const removal = playbook({
        name: 'remove',
        plays: [
          {
            name: 'repo',
            hosts: 'repo',
            tasks: () => [
              task(
                'bosun-local repository',
                aptRepository({
                  name: 'bosun-local',
                  uris: 'file:/srv/bosun-repo',
                  suites: './',
                  state: 'absent',
                }),
              ),
            ],
          },
        ],
      });
      const gone = await run(removal);
      assert.deepEqual(changed(gone.result), [
        [
          'bosun-local repository',
          [
            'remove /etc/apt/sources.list.d/bosun-local.sources',
            'remove /etc/apt/keyrings/bosun-local.gpg',
            'refresh the apt lists',
          ],
        ],
      ]);
      assert.doesNotMatch((await host.exec('apt-cache policy bosun-hello')).output, /bosun-repo/);
      assert.deepEqual(changed((await run(removal)).result), []);
    });
  });
});

/**
 * A flat repository under /srv/bosun-repo with one package, its InRelease signed by a key made on the host;
 * a copy of it in /srv/bosun-repo-copy; the armored public key served at http://127.0.0.1:8080/bosun-repo.asc
 * (inside the host only). Returns the armored key.
 */
async function buildSignedRepository(host: ThrowawayHost): Promise<string> {
  const install = await host.exec(
    'DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null && apt-get install -y -q python3 >/dev/null 2>&1',
  );
  assert.equal(install.code, 0, install.output);
  const built = await host.exec(`set -e
export GNUPGHOME=/root/bosun-repo-gnupg
mkdir -m 700 -p "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key 'Bosun test repository <repo@bosun.test>' ed25519 sign never 2>/dev/null
mkdir -p /tmp/bosun-hello/DEBIAN /srv/bosun-repo
printf 'Package: bosun-hello\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: Bosun <repo@bosun.test>\\nDescription: a package of a local repository\\n' > /tmp/bosun-hello/DEBIAN/control
dpkg-deb --build /tmp/bosun-hello /srv/bosun-repo/bosun-hello_1.0_all.deb >/dev/null
cd /srv/bosun-repo
deb=bosun-hello_1.0_all.deb
{ dpkg-deb -f "$deb"; echo "Filename: ./$deb"; echo "Size: $(stat -c %s "$deb")"; echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"; echo; } > Packages
{ echo "Date: $(date -Ru)"; echo 'SHA256:'; echo " $(sha256sum Packages | cut -d' ' -f1) $(stat -c %s Packages) Packages"; } > Release
gpg --batch --yes --clearsign -o InRelease Release
gpg --armor --export > /srv/bosun-repo.asc
cp -r /srv/bosun-repo /srv/bosun-repo-copy
cd /srv && nohup python3 -m http.server --bind 127.0.0.1 8080 >/dev/null 2>&1 &
sleep 1
cat /srv/bosun-repo.asc`);
  assert.equal(built.code, 0, built.output);
  return built.output;
}

async function hostKeyFingerprint(host: ThrowawayHost): Promise<string> {
  const listed = await host.exec(
    'GNUPGHOME=/root/bosun-repo-gnupg gpg --with-colons --list-keys 2>/dev/null | grep -m1 ^fpr',
  );
  const hex = listed.output.split(':')[9];
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

function assertNoFailure(run: CapturedRun): void {
  const failed = run.result.tasks.filter((result) => result.status === 'failed');
  assert.deepEqual(
    failed.map((result) => `${result.task}: ${result.message}`),
    [],
    run.output,
  );
}

const changed = (result: RunResult) =>
  result.tasks
    .filter((task) => task.status === 'changed')
    .map((task) => [task.task, task.changes] as [string, string[]]);
