// Bosun's public API, `import { playbook, task, defineRole, file, secret } from 'bosun'`: the engine, the
// authoring kit (everything Bosun's own roles use to write resources, checks and facts) and the resources.
export * from './errors.js';
export { Type, type Static, type TObject } from '@sinclair/typebox';

// Playbooks and roles
export { playbook, type Play, type Playbook } from './engine/playbook.js';
export { task, type Task } from './engine/task.js';
export {
  defineRole,
  roleContext,
  type AppliedRole,
  type RoleContext,
  type RoleDefinition,
  type RoleVariables,
} from './engine/role.js';

// Running them
export { runPlaybook, type RunOptions } from './engine/run-playbook.js';
export { loadPlaybook } from './engine/load-playbook.js';
export { exitCodeOf } from './engine/exit-code.js';
export type { HostRecap, Reporter, RunResult, TaskResult, TaskStatus } from './engine/results.js';
export type { Inventory, InventoryGroup, InventoryHost, ConnectionSettings } from './inventory/inventory.js';
export { loadInventory, selectHosts } from './inventory/index.js';
export { createReporter } from './output/index.js';
export { connect, type ConnectOptions } from './transport/connect.js';
export type {
  ExecOptions,
  ExecResult,
  Transport,
  TransportCounters,
  UploadOptions,
} from './transport/transport.js';

// Facts
export { defineFact, gatherFactValues, type FactDefinition, type FactReader } from './facts/define-fact.js';
export { coreFacts } from './facts/core-facts.js';
export type { Facts } from './facts/facts.js';
export { gatherFacts } from './facts/gather.js';
export { parseKeyValues } from './facts/key-values.js';
export { loginSessionScript, parseLoginSession } from './facts/login-session.js';

// Writing a resource or a check
export {
  isChange,
  isCheck,
  mapProbe,
  noChange,
  type Check,
  type Plan,
  type Probe,
  type Resource,
  type ResourceContext,
  type Verdict,
} from './resources/resource.js';
export {
  custom,
  run,
  systemctl,
  upload,
  type Action,
  type CustomAction,
  type RunAction,
  type SystemctlAction,
  type SystemctlVerb,
  type UploadAction,
} from './resources/actions.js';
export {
  checkExit,
  lastLines,
  rootHint,
  runChecked,
  type RunCheckedOptions,
} from './resources/commands/run-checked.js';
export { confirmLogin, planConfirm } from './resources/commands/confirm-access.js';
export { fileProbe, type FileState } from './resources/files/file.js';
export { contentDiff } from './resources/files/content-diff.js';
export { renderTemplate } from './resources/files/render-template.js';
export { probeOne } from './engine/run-resource.js';
export { executePlan } from './resources/execute-plan.js';
export { sh, raw, ShellCommand } from './transport/shell.js';
export { secret, loadEnvFile, redact } from './secrets/index.js';

// The resource catalogue (also `bosun/resources`)
export * from './resources/index.js';
