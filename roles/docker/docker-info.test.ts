import assert from 'node:assert/strict';
import { parseDockerInfoProbe, planDockerInfo } from './docker-info.js';

const running = `info={"ID":"FJLT","ServerVersion":"20.10.24+dfsg1","LoggingDriver":"json-file","LiveRestoreEnabled":true}
compose=v1 1.29.2
`;
const down = `info={"ServerErrors":["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"],"ClientInfo":{"Debug":false}}
compose=v1 1.29.2
`;

describe('dockerInfo', () => {
  it('reports the engine and the Compose found, and changes nothing', () => {
    assert.deepEqual(planDockerInfo(parseDockerInfoProbe(running, false)), {
      changes: [],
      message: 'Docker 20.10.24+dfsg1 answers; compose v1 1.29.2',
    });
    const v2 = parseDockerInfoProbe('info={"ServerVersion":"27.3.1"}\ncompose=v2 2.29.7\n', false);
    assert.deepEqual(v2.compose, { kind: 'v2', version: '2.29.7' });
    assert.equal(planDockerInfo(v2).message, 'Docker 27.3.1 answers; compose v2 2.29.7');
    assert.equal(
      planDockerInfo(parseDockerInfoProbe('info={"ServerVersion":"27.3.1"}\n', false)).message,
      'Docker 27.3.1 answers; no compose',
    );
  });

  it('fails when the daemon does not answer, with what docker said and where to look', () => {
    assert.throws(
      () => planDockerInfo(parseDockerInfoProbe(down, false)),
      (error: Error & { code?: string }) =>
        error.code === 'DOCKER_NOT_ANSWERING' &&
        error.message ===
          'the daemon does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. ' +
            'Is the docker daemon running?. See `systemctl status docker` and `journalctl -u docker` on the host.',
    );
    assert.throws(
      () => planDockerInfo(parseDockerInfoProbe('installed=no\n', false)),
      /docker command is not installed/,
    );
  });

  it('only notes, in check mode, what an earlier task has yet to install or start', () => {
    assert.deepEqual(planDockerInfo(parseDockerInfoProbe('installed=no\n', true)), {
      changes: [],
      message: 'not verified in check mode: the docker command is not installed yet',
    });
    assert.match(
      planDockerInfo(parseDockerInfoProbe(down, true)).message ?? '',
      /^not verified in check mode: the daemon does not answer/,
    );
  });
});
