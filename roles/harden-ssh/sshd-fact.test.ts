import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSshdFacts } from './sshd-fact.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../lib/facts/fixtures/${name}.txt`, import.meta.url), 'utf8');

describe('parseSshdFacts', () => {
  it('reads a Debian 12 host: ssh.service, no socket activation', () => {
    assert.deepEqual(parseSshdFacts(fixture('debian12')), {
      service: 'ssh',
      socketActivated: false,
      version: '9.2',
    });
  });

  it('reads an Ubuntu 24.04 host whose sshd is started by ssh.socket', () => {
    assert.deepEqual(parseSshdFacts(fixture('ubuntu2404-socket')), {
      service: 'ssh',
      socketActivated: true,
      version: '9.6',
    });
  });

  it('reads a container without systemd as PID 1', () => {
    assert.equal(parseSshdFacts(fixture('debian12-no-systemd')).socketActivated, false);
  });

  it('counts a socket that is enabled but not yet active as socket activation', () => {
    const facts = parseSshdFacts('sshd.unit=ssh\nsshd.socket_enabled=enabled\nsshd.socket_active=inactive\n');
    assert.equal(facts.socketActivated, true);
  });

  it('falls back to neutral values for what a minimal host cannot answer', () => {
    assert.deepEqual(parseSshdFacts('sshd.version=\n'), {
      service: 'ssh',
      socketActivated: false,
      version: '',
    });
  });
});
