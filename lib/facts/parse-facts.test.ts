import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFacts } from './parse-facts.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');

describe('parseFacts', () => {
  it('reads a Debian 12 host (systemd, ssh.service, root login)', () => {
    assert.deepEqual(parseFacts(fixture('debian12')), {
      hostname: 'explore',
      user: 'root',
      isRoot: true,
      os: {
        id: 'debian',
        versionId: '12',
        codename: 'bookworm',
        prettyName: 'Debian GNU/Linux 12 (bookworm)',
        family: 'debian',
      },
      arch: 'x86_64',
      debArch: 'amd64',
      kernel: '6.18.44-fc-v595',
      cpus: 2,
      memoryMb: 24105,
      init: 'systemd',
      virtualization: 'docker',
      packageManager: 'apt',
      tools: { apt: true, systemctl: true, sudo: true, ufw: false, docker: false },
    });
  });

  it('reads an Ubuntu 24.04 host whose sshd is started by ssh.socket, logged in as a non-root user', () => {
    const facts = parseFacts(fixture('ubuntu2404-socket'));
    assert.equal(facts.os.id, 'ubuntu');
    assert.equal(facts.os.versionId, '24.04');
    assert.equal(facts.os.codename, 'noble');
    assert.equal(facts.os.prettyName, 'Ubuntu 24.04.1 LTS');
    assert.equal(facts.os.family, 'debian', 'ID_LIKE=debian makes Ubuntu a Debian-family host');
    assert.equal(facts.user, 'ubuntu');
    assert.equal(facts.isRoot, false);
    assert.equal(facts.virtualization, 'kvm');
    assert.deepEqual(facts.tools, {
      apt: true,
      systemctl: true,
      sudo: true,
      ufw: true,
      docker: true,
    });
  });

  it('reads a container without systemd as PID 1', () => {
    const facts = parseFacts(fixture('debian12-no-systemd'));
    assert.equal(facts.init, 'other');
    assert.equal(facts.hostname, 'plain');
  });

  it('falls back to neutral values for what a minimal host cannot answer', () => {
    const facts = parseFacts('uid=1000\nuser=app\ncompose=v1\nos.ID=alpine\nsshd.version=\n');
    assert.equal(facts.os.family, 'other');
    assert.equal(facts.packageManager, 'other');
    assert.equal(facts.cpus, 0);
    assert.equal(facts.memoryMb, 0);
    assert.equal(facts.virtualization, 'unknown');
  });

  it('unquotes os-release values with shell escapes', () => {
    assert.equal(parseFacts('os.PRETTY_NAME="My \\"Linux\\" 1"\n').os.prettyName, 'My "Linux" 1');
    assert.equal(parseFacts("os.PRETTY_NAME='Single'\n").os.prettyName, 'Single');
  });
});
