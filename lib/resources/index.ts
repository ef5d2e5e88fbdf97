// The resource catalogue, published as `bosun/resources` (and re-exported by `bosun`): each resource's
// constructor and options. Their plan functions are tested where they live and are not part of the API.
export { file, type FileOptions } from './files/file.js';
export { directory, type DirectoryOptions } from './files/directory.js';
export { blockInFile, type BlockInFileOptions } from './files/block-in-file.js';
export { jsonFile, type JsonFileOptions } from './files/json-file.js';
export { mergeJson, type JsonObject, type JsonValue } from './files/json-file-merge.js';
export { secretEnvFile, type SecretEnvFileOptions } from './files/secret-env-file.js';
export { apt, type AptOptions } from './packages/apt.js';
export { aptRepository, type AptRepositoryOptions } from './packages/apt-repository.js';
export { service, type ServiceOptions } from './services/service.js';
export { fail2banService, type Fail2banServiceOptions } from './services/fail2ban-service.js';
export { command, type CommandOptions } from './commands/command.js';
export { guarded, guardFolder, guardTimer, type RollbackGuard } from './commands/rollback-guard.js';
export { confirmAccess, type ConfirmAccessOptions } from './commands/confirm-access.js';
export { group, type GroupOptions } from './accounts/group.js';
export { user, type UserOptions } from './accounts/user.js';
export { authorizedKeys, type AuthorizedKeysOptions } from './accounts/authorized-keys.js';
export {
  parseAuthorizedKey,
  formatAuthorizedKey,
  type AuthorizedKey,
} from './accounts/authorized-key-line.js';
export { sysctl, type SysctlOptions } from './kernel/sysctl.js';
export { moduli, type ModuliOptions } from './ssh/moduli.js';
export { sshHostKey, type SshHostKeyOptions, type SshHostKeyType } from './ssh/ssh-host-key.js';
export { ufwFirewall, type UfwFirewallOptions } from './firewall/ufw-firewall.js';
export { type UfwRule, type UfwRuleAction } from './firewall/ufw-rule.js';
export { dockerImages, type DockerImagesOptions } from './docker/docker-images.js';
export { composeFact, type ComposeFlavour } from './docker/compose-fact.js';
export {
  composeProject,
  configHashLabel,
  type ComposeProjectOptions,
  type ComposeServiceDesired,
} from './docker/compose-project.js';
