import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { diffFingerprints, fingerprintCommand, parseFingerprint } from './host-fingerprint.js';

const sha = (c: string) => c.repeat(64);
const sample = [
  'M d 755 root:root /etc\0',
  'M f 644 root:root /etc/motd\0',
  'M f 600 root:root /etc/file with spaces\0',
  'M l 777 root:root /etc/rc2.d/S01ssh\0../init.d/ssh',
  `H ${sha('a')}  /etc/motd`,
  `H ${sha('b')}  /etc/file with spaces`,
  'find: noise on stderr is ignored',
  'P ii  nginx-light:amd64 1.22.1-9',
  'P rc  old-thing:all 2.0',
  'U ssh.service   loaded active running OpenBSD Secure Shell server',
  'U session-3.scope loaded active running Session 3 of User root',
].join('\n');

describe('host fingerprint', () => {
  it('parses files with their mode, owner, hash or link target', () => {
    const fingerprint = parseFingerprint(sample);
    assert.deepEqual(Object.fromEntries(fingerprint.files), {
      '/etc': 'd 755 root:root',
      '/etc/motd': `f 644 root:root ${sha('a')}`,
      '/etc/file with spaces': `f 600 root:root ${sha('b')}`,
      '/etc/rc2.d/S01ssh': 'l 777 root:root -> ../init.d/ssh',
    });
  });

  it('parses packages with version and status, and unit states', () => {
    const fingerprint = parseFingerprint(sample);
    assert.deepEqual(Object.fromEntries(fingerprint.packages), {
      'nginx-light:amd64': '1.22.1-9 ii',
      'old-thing:all': '2.0 rc',
    });
    assert.equal(fingerprint.units.get('ssh.service'), 'loaded active running');
  });

  it('finds no difference between equal fingerprints', () => {
    assert.deepEqual(diffFingerprints(parseFingerprint(sample), parseFingerprint(sample)), []);
  });

  it('reports an added, a removed and a changed entry of each kind', () => {
    const after = sample
      .replace('M f 644 root:root /etc/motd', 'M f 600 root:root /etc/motd')
      .replace('P rc  old-thing:all 2.0', 'P ii  nginx:amd64 1.22.1-9')
      .replace('U ssh.service   loaded active running', 'U ssh.service   loaded inactive dead')
      .concat('\nM f 644 root:root /etc/new\0', `\nH ${sha('c')}  /etc/new`)
      .replace('M l 777 root:root /etc/rc2.d/S01ssh\0../init.d/ssh', '');
    assert.deepEqual(diffFingerprints(parseFingerprint(sample), parseFingerprint(after)), [
      `file /etc/motd: f 644 root:root ${sha('a')} → f 600 root:root ${sha('a')}`,
      `file /etc/new: added (f 644 root:root ${sha('c')})`,
      'file /etc/rc2.d/S01ssh: removed (was l 777 root:root -> ../init.d/ssh)',
      'package nginx:amd64: added (1.22.1-9 ii)',
      'package old-thing:all: removed (was 2.0 rc)',
      'unit ssh.service: loaded active running → loaded inactive dead',
    ]);
  });

  it('a changed hash alone is a difference', () => {
    const after = sample.replace(`H ${sha('a')}`, `H ${sha('d')}`);
    assert.deepEqual(diffFingerprints(parseFingerprint(sample), parseFingerprint(after)), [
      `file /etc/motd: f 644 root:root ${sha('a')} → f 644 root:root ${sha('d')}`,
    ]);
  });

  it('ignores login sessions by default and the unit patterns it is given', () => {
    const after = sample
      .replace('U session-3.scope', 'U session-4.scope')
      .replace('U ssh.service   loaded active running', 'U ssh.service   loaded active reloading');
    assert.deepEqual(diffFingerprints(parseFingerprint(sample), parseFingerprint(after)), [
      'unit ssh.service: loaded active running → loaded active reloading',
    ]);
    assert.deepEqual(
      diffFingerprints(parseFingerprint(sample), parseFingerprint(after), {
        ignoreUnits: ['ssh.*', 'session-*'],
      }),
      [],
    );
  });

  it('ignores the transient mounts of a Docker healthcheck, not other mounts', () => {
    const healthcheck = 'run-docker-runtime\\x2drunc-moby-f3f4e588-runc.T2Xooa.mount';
    const after = `${sample}U ${healthcheck} loaded active mounted\nU srv-data.mount loaded active mounted\n`;
    assert.deepEqual(diffFingerprints(parseFingerprint(sample), parseFingerprint(after)), [
      'unit srv-data.mount: added (loaded active mounted)',
    ]);
  });

  it('quotes every watched path in the script: the shell sees each as one word', () => {
    const paths = ['/etc', "/srv/it's; touch /tmp/pwned", '/var/$HOME `id`'];
    const loop = fingerprintCommand(paths).split('\n')[0];
    const words = execFileSync('sh', ['-c', `${loop} printf '%s\\n' "$root"; done`], { encoding: 'utf8' });
    assert.deepEqual(words.split('\n').slice(0, -1), paths);
  });
});
