import { defaultIgnoredUnits } from '../../lib/testing/index.js';

/**
 * Units that an SSH login starts or makes known on top of the harness's list (the root user's runtime
 * mount, and the oomd unit its user manager refers to): a host logged into again is no host written to.
 */
export const loginUnits = [...defaultIgnoredUnits, 'run-user-*.mount', 'systemd-oomd.service'];
