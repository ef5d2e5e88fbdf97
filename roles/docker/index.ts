import {
  apt,
  aptRepository,
  defineRole,
  directory,
  file,
  jsonFile,
  service,
  task,
  user,
  type Task,
} from '../../lib/index.js';
import { daemonSettings } from './daemon-settings.js';
import { daemonJsonValidate } from './daemon-validate.js';
import { dockerInfo } from './docker-info.js';
import { dockerInstall } from './install-source.js';
import { dockerVariables } from './variables.js';

export { dockerVariables, daemonVariables, dockerKeyFingerprint, type DockerVariables } from './variables.js';
export { daemonSettings } from './daemon-settings.js';
export { dockerInstall, dockerCePackages, distroPackages, type DockerInstall } from './install-source.js';
export { dockerInfo, verifyDockerInfo, type DockerInfoState } from './docker-info.js';

/**
 * Docker Engine as production hosts need it: installed from Docker's apt repository (signed, key pinned) or from
 * the distribution, daemon.json merged with log rotation and live-restore and validated before it is installed,
 * users in the `docker` group, the service enabled and running, a restart only when daemon.json changed, and a
 * final `docker info` that reports the engine and the Compose found (v2 plugin or v1).
 *
 * Roles that run Compose read which one the host has from `composeFact`, gathered again after this role's changes.
 *
 * @example
 * docker({ users: ['deploy'], daemon: { defaultAddressPools: [{ base: '172.30.0.0/16', size: 24 }] } })
 * docker({ source: 'distro' }) // Debian's docker.io and docker-compose: no internet beyond the archive
 */
export const docker = defineRole({
  name: 'docker',
  variables: dockerVariables,
  tasks(vars, { facts }) {
    const install = dockerInstall(vars, facts);
    const tasks: Task[] = [];
    if (install.repository) {
      tasks.push(
        task('repository prerequisites', apt({ packages: install.prerequisites })),
        // The get.docker.com script's file: with another Signed-By for the same URI, apt refuses both.
        task('no legacy docker.list', file({ path: '/etc/apt/sources.list.d/docker.list', state: 'absent' })),
        task("Docker's apt repository", aptRepository(install.repository)),
      );
    }
    tasks.push(
      // Before the packages: docker.io creates it (dockerd 20.10 writes key.json there), docker-ce 23+ does not.
      task('/etc/docker', directory({ path: '/etc/docker', mode: '0755' })),
      task('Docker packages', apt({ packages: install.packages })),
      task(
        'daemon.json',
        jsonFile({
          path: '/etc/docker/daemon.json',
          content: daemonSettings(vars.daemon, vars.extraDaemonSettings),
          exclusive: vars.daemonJsonExclusive,
          mode: '0644',
          validate: daemonJsonValidate,
        }),
        { notify: ['restart docker'] },
      ),
      ...vars.users.map((name) => task(`${name} in the docker group`, user({ name, groups: ['docker'] }))),
      task('docker running and enabled', service({ name: 'docker', state: 'started', enabled: true })),
      task('docker answers', dockerInfo()),
    );
    return tasks;
  },
  handlers: () => ({
    'restart docker': service({ name: 'docker', state: 'restarted' }),
  }),
});
