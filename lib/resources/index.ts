export { isChange, type Plan, type Resource, type ResourceContext } from './resource.js';
export { file, planFile, type FileOptions, type FileState, type FileDesired } from './file.js';
export {
  directory,
  planDirectory,
  type DirectoryOptions,
  type DirectoryState,
  type DirectoryDesired,
} from './directory.js';
export {
  apt,
  planApt,
  type AptOptions,
  type AptState,
  type AptDesired,
  type AptPackageState,
} from './apt.js';
export {
  service,
  planService,
  type ServiceOptions,
  type ServiceState,
  type ServiceDesired,
} from './service.js';
export {
  command,
  planCommand,
  type CommandOptions,
  type CommandState,
  type CommandDesired,
} from './command.js';
export { contentDiff } from './content-diff.js';
export { renderTemplate } from './render-template.js';
export { guarded, armRollback, type RollbackGuard } from './rollback-guard.js';
export { confirmAccess, type ConfirmAccessOptions } from './confirm-access.js';
export { group, planGroup, type GroupOptions, type GroupState, type GroupDesired } from './group.js';
export { user, planUser, type UserOptions, type UserState, type UserDesired } from './user.js';
export {
  authorizedKeys,
  planAuthorizedKeys,
  mergeAuthorizedKeys,
  type AuthorizedKeysOptions,
  type AuthorizedKeysState,
  type AuthorizedKeysDesired,
} from './authorized-keys.js';
export { parseAuthorizedKey, formatAuthorizedKey, type AuthorizedKey } from './authorized-key-line.js';
export { sysctl, planSysctl, type SysctlOptions, type SysctlState, type SysctlDesired } from './sysctl.js';
export {
  aptRepository,
  planAptRepository,
  aptRepositoryDesired,
  renderSources,
  type AptRepositoryOptions,
  type AptRepositoryState,
  type AptRepositoryDesired,
} from './apt-repository.js';
export { readSigningKey, type SigningKey } from './apt-repository-key.js';
export {
  jsonFile,
  planJsonFile,
  type JsonFileOptions,
  type JsonFileState,
  type JsonFileDesired,
} from './json-file.js';
export { mergeJson, type JsonObject, type JsonValue } from './json-file-merge.js';
export {
  secretEnvFile,
  planSecretEnvFile,
  desiredEnvFile,
  type SecretEnvFileOptions,
  type SecretEnvFileState,
  type SecretEnvFileDesired,
} from './secret-env-file.js';
export {
  dockerImages,
  planDockerImages,
  localImages,
  type DockerImagesOptions,
  type DockerImagesState,
  type LocalImage,
} from './docker-images.js';
export {
  composeProject,
  planComposeProject,
  configHashLabel,
  type ComposeProjectOptions,
  type ComposeProjectState,
  type ComposeProjectDesired,
  type ComposeServiceDesired,
  type ComposeContainer,
} from './compose-project.js';
export { moduli, planModuli, type ModuliOptions, type ModuliState, type ModuliDesired } from './moduli.js';
export {
  sshHostKey,
  planSshHostKey,
  type SshHostKeyOptions,
  type SshHostKeyState,
  type SshHostKeyDesired,
  type SshHostKeyType,
} from './ssh-host-key.js';
export { ufwFirewall, type UfwFirewallOptions } from './ufw-firewall.js';
export { planUfw, ufwSteps, type UfwDesired, type UfwStep } from './ufw-plan.js';
export { type UfwRule, type UfwRuleAction } from './ufw-rule.js';
export { parseUfwState, type UfwState, type UfwPolicy, type UfwLogLevel } from './ufw-state.js';
export {
  blockInFile,
  planBlockInFile,
  type BlockInFileOptions,
  type BlockInFileState,
  type BlockInFileDesired,
} from './block-in-file.js';
export {
  fail2banService,
  planFail2banService,
  type Fail2banServiceOptions,
  type Fail2banServiceState,
  type Fail2banServiceDesired,
} from './fail2ban-service.js';
