// The side-by-side part's host image: the throwaway-host image with the baseline's packages (and Ansible's
// own prerequisites on a target) installed, so that both tools configure rather than download. Built once,
// tagged with a hash of its recipe and of the base image's tag.
import { createHash } from 'node:crypto';
import { $ } from 'zx';
import { ensureHostImage } from '../../lib/testing/host-image.js';
import { log } from './measure.js';

/** ufw, fail2ban (+ python3-systemd, its journald backend), unattended-upgrades: what the roles install. */
export const baselinePackages = ['ufw', 'fail2ban', 'python3-systemd', 'unattended-upgrades'];
/** What Ansible needs on a Debian target: python3, and python3-apt for its apt module. Bosun needs neither. */
export const ansiblePrerequisites = ['python3', 'python3-apt'];

const dockerfile = (base: string) => `FROM ${base}
# No service starts during the build (no systemd here); fail2ban stays disabled: the tools enable it.
RUN printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \\
 && apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y ${[...baselinePackages, ...ansiblePrerequisites].join(' ')} \\
 && systemctl disable fail2ban.service \\
 && rm -f /usr/sbin/policy-rc.d && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
`;

export async function ensureBenchImage(): Promise<string> {
  const base = await ensureHostImage();
  const recipe = dockerfile(base);
  const tag = `bosun-bench:${createHash('sha256').update(recipe).digest('hex').slice(0, 12)}`;
  const found = await $({ quiet: true, nothrow: true })`docker image inspect ${tag}`;
  if (found.exitCode !== 0) {
    log(`Building the bench image ${tag} (the baseline's packages on ${base})...`);
    await $({ input: recipe, quiet: true })`docker build -t ${tag} -`;
  }
  return tag;
}
