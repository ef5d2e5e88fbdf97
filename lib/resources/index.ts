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
