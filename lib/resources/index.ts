export { isChange, type Plan, type Resource, type ResourceContext } from './resource.js';
export { file, planFile, type FileOptions, type FileState, type FileDesired } from './files/file.js';
export {
  directory,
  planDirectory,
  type DirectoryOptions,
  type DirectoryState,
  type DirectoryDesired,
} from './files/directory.js';
export {
  apt,
  planApt,
  type AptOptions,
  type AptState,
  type AptDesired,
  type AptPackageState,
} from './packages/apt.js';
export {
  service,
  planService,
  type ServiceOptions,
  type ServiceState,
  type ServiceDesired,
} from './services/service.js';
export {
  command,
  planCommand,
  type CommandOptions,
  type CommandState,
  type CommandDesired,
} from './commands/command.js';
export { contentDiff } from './files/content-diff.js';
export { renderTemplate } from './files/render-template.js';
export { guarded, type RollbackGuard } from './commands/rollback-guard.js';
export { confirmAccess, type ConfirmAccessOptions } from './commands/confirm-access.js';
export { group, planGroup, type GroupOptions, type GroupState, type GroupDesired } from './accounts/group.js';
export { user, planUser, type UserOptions, type UserState, type UserDesired } from './accounts/user.js';
export {
  authorizedKeys,
  planAuthorizedKeys,
  mergeAuthorizedKeys,
  type AuthorizedKeysOptions,
  type AuthorizedKeysState,
  type AuthorizedKeysDesired,
} from './accounts/authorized-keys.js';
export {
  parseAuthorizedKey,
  formatAuthorizedKey,
  type AuthorizedKey,
} from './accounts/authorized-key-line.js';
export {
  sysctl,
  planSysctl,
  type SysctlOptions,
  type SysctlState,
  type SysctlDesired,
} from './kernel/sysctl.js';
export {
  aptRepository,
  planAptRepository,
  aptRepositoryDesired,
  renderSources,
  type AptRepositoryOptions,
  type AptRepositoryState,
  type AptRepositoryDesired,
} from './packages/apt-repository.js';
export { readSigningKey, type SigningKey } from './packages/apt-repository-key.js';
export {
  jsonFile,
  planJsonFile,
  type JsonFileOptions,
  type JsonFileState,
  type JsonFileDesired,
} from './files/json-file.js';
export { mergeJson, type JsonObject, type JsonValue } from './files/json-file-merge.js';
export {
  secretEnvFile,
  planSecretEnvFile,
  desiredEnvFile,
  type SecretEnvFileOptions,
  type SecretEnvFileState,
  type SecretEnvFileDesired,
} from './files/secret-env-file.js';
export {
  dockerImages,
  planDockerImages,
  localImages,
  type DockerImagesOptions,
  type DockerImagesState,
  type LocalImage,
} from './docker/docker-images.js';
export { composeFact, type ComposeFlavour } from './docker/compose-fact.js';
export {
  composeProject,
  planComposeProject,
  configHashLabel,
  type ComposeProjectOptions,
  type ComposeProjectState,
  type ComposeProjectDesired,
  type ComposeServiceDesired,
  type ComposeContainer,
} from './docker/compose-project.js';
export {
  moduli,
  planModuli,
  type ModuliOptions,
  type ModuliState,
  type ModuliDesired,
} from './ssh/moduli.js';
export {
  sshHostKey,
  planSshHostKey,
  type SshHostKeyOptions,
  type SshHostKeyState,
  type SshHostKeyDesired,
  type SshHostKeyType,
} from './ssh/ssh-host-key.js';
export { ufwFirewall, type UfwFirewallOptions } from './firewall/ufw-firewall.js';
export { planUfw, ufwSteps, type UfwDesired, type UfwStep } from './firewall/ufw-plan.js';
export { type UfwRule, type UfwRuleAction } from './firewall/ufw-rule.js';
export { parseUfwState, type UfwState, type UfwPolicy, type UfwLogLevel } from './firewall/ufw-state.js';
export {
  blockInFile,
  planBlockInFile,
  type BlockInFileOptions,
  type BlockInFileState,
  type BlockInFileDesired,
} from './files/block-in-file.js';
export {
  fail2banService,
  planFail2banService,
  type Fail2banServiceOptions,
  type Fail2banServiceState,
  type Fail2banServiceDesired,
} from './services/fail2ban-service.js';
