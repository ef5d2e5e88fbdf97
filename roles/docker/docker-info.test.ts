import assert from 'node:assert/strict';
import type { Probe, ResourceContext } from '../../lib/resources/resource.js';
import { dockerInfo, parseDockerInfoProbe, verifyDockerInfo, type DockerInfoState } from './docker-info.js';

const running = `info={"ID":"FJLT","ServerVersion":"20.10.24+dfsg1","LoggingDriver":"json-file","LiveRestoreEnabled":true}
compose=v1 1.29.2
`;
const down = `info={"ServerErrors":["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"],"ClientInfo":{"Debug":false}}
compose=v1 1.29.2
`;

describe('dockerInfo', () => {
  it('reports the engine and the Compose found, and changes nothing', () => {
    assert.deepEqual(verifyDockerInfo(parseDockerInfoProbe(running), false), {
      passed: true,
      message: 'Docker 20.10.24+dfsg1 answers; compose v1 1.29.2',
    });
    const v2 = parseDockerInfoProbe('info={"ServerVersion":"27.3.1"}\ncompose=v2 2.29.7\n');
    assert.deepEqual(v2.compose, { kind: 'v2', version: '2.29.7' });
    assert.equal(verifyDockerInfo(v2, false).message, 'Docker 27.3.1 answers; compose v2 2.29.7');
    assert.equal(
      verifyDockerInfo(parseDockerInfoProbe('info={"ServerVersion":"27.3.1"}\n'), false).message,
      'Docker 27.3.1 answers; no compose',
    );
  });

  it('fails when the daemon does not answer, with what docker said and where to look', () => {
    assert.deepEqual(verifyDockerInfo(parseDockerInfoProbe(down), false), {
      passed: false,
      message:
        'the daemon does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. ' +
        'Is the docker daemon running?. See `systemctl status docker` and `journalctl -u docker` on the host.',
    });
    const missing = verifyDockerInfo(parseDockerInfoProbe('installed=no\n'), false);
    assert.equal(missing.passed, false);
    assert.match(missing.message ?? '', /docker command is not installed/);
  });

  it('only notes, in check mode, what an earlier task has yet to install or start', () => {
    assert.deepEqual(verifyDockerInfo(parseDockerInfoProbe('installed=no\n'), true), {
      passed: true,
      message: 'not verified in check mode: the docker command is not installed yet',
    });
    const silent = verifyDockerInfo(parseDockerInfoProbe(down), true);
    assert.equal(silent.passed, true);
    assert.match(silent.message ?? '', /^not verified in check mode: the daemon does not answer/);
  });

  it('reads a daemon whose info is not JSON as one that printed nothing', () => {
    const state = parseDockerInfoProbe('info=\ncompose=v2 2.29.7\n');
    assert.deepEqual(state, { installed: true, info: undefined, compose: { kind: 'v2', version: '2.29.7' } });
    assert.deepEqual(verifyDockerInfo(state, false), {
      passed: false,
      message:
        'docker info printed nothing. See `systemctl status docker` and `journalctl -u docker` on the host.',
    });
  });

  it('fails the probe, naming the host, when its script does not finish', () => {
    const ctx = { transport: { hostName: 'web1' } } as ResourceContext;
    const probe = dockerInfo().probe(ctx) as Probe<DockerInfoState>;
    assert.throws(
      () => probe.parse({ code: 137, stdout: '', stderr: 'Killed' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        error.message === 'web1: asking docker info failed (exit 137):\nKilled',
    );
    assert.equal(probe.parse({ code: 0, stdout: running, stderr: '' }).info?.ServerVersion, '20.10.24+dfsg1');
  });
});
