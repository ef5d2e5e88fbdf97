import type { AptRepositoryOptions, Facts } from '../../lib/index.js';
import type { DockerVariables } from './variables.js';

/** What to install for a source: packages the repository needs first, the repository, the packages. */
export interface DockerInstall {
  prerequisites: string[];
  repository?: AptRepositoryOptions;
  packages: string[];
}

/** Docker's packages from its own repository, as its install guide lists them. */
export const dockerCePackages = [
  'docker-ce',
  'docker-ce-cli',
  'containerd.io',
  'docker-buildx-plugin',
  'docker-compose-plugin',
];
/** The distribution's: on Debian 12 docker-compose is Compose v1 (1.29). */
export const distroPackages = ['docker.io', 'docker-compose'];

/**
 * The installation for the chosen source: Docker's repository for this distribution (`${repositoryUrl}/${os.id}`),
 * release (codename) and architecture, signed by Docker's key (given, or downloaded by the host and checked against
 * the pinned fingerprint); or the distribution's own packages.
 */
export function dockerInstall(vars: DockerVariables, facts: Facts): DockerInstall {
  if (vars.source === 'distro') return { prerequisites: [], packages: vars.packages ?? distroPackages };
  const base = `${vars.repositoryUrl}/${facts.os.id}`;
  return {
    // curl downloads the key; ca-certificates lets curl and apt check Docker's TLS certificate.
    prerequisites: vars.repositoryKey === undefined ? ['ca-certificates', 'curl'] : ['ca-certificates'],
    repository: {
      name: 'docker',
      uris: base,
      suites: facts.os.codename,
      components: ['stable'],
      architectures: [facts.debArch],
      ...(vars.repositoryKey !== undefined ? { key: vars.repositoryKey } : { keyUrl: `${base}/gpg` }),
      keyFingerprint: vars.repositoryKeyFingerprint,
    },
    packages: vars.packages ?? dockerCePackages,
  };
}
