// Bosun's roles: `import { hardenSsh, ufw } from 'bosun/roles'`. Each role lives in roles/NAME/.
export { hardenSsh, hardenSshVariables, type HardenSshVariables } from './harden-ssh/index.js';
export { users, usersVariables, type UsersVariables } from './users/index.js';
export { ufw, ufwVariables, type UfwVariables } from './ufw/index.js';
export { docker, dockerVariables, type DockerVariables } from './docker/index.js';
export { sysctlHardening, sysctlVariables, type SysctlVariables } from './sysctl/index.js';
export { stack, stackVariables, type StackVariables } from './stack/index.js';
export {
  unattendedUpgrades,
  unattendedUpgradesVariables,
  type UnattendedUpgradesVariables,
} from './unattended-upgrades/index.js';
export { fail2ban, fail2banVariables, type Fail2banVariables } from './fail2ban/index.js';
