// Bosun's public API: `import { playbook, task, defineRole, file, secret } from 'bosun'`.
export * from './errors.js';
export { playbook, type Play, type Playbook } from './engine/playbook.js';
export { task, type Task } from './engine/task.js';
export {
  defineRole,
  type AppliedRole,
  type RoleContext,
  type RoleDefinition,
  type RoleVariables,
} from './engine/role.js';
export { runPlaybook, type RunOptions } from './engine/run-playbook.js';
export { loadPlaybook } from './engine/load-playbook.js';
export { exitCodeOf } from './engine/exit-code.js';
export type { HostRecap, Reporter, RunResult, TaskResult, TaskStatus } from './engine/results.js';
export type { Facts } from './facts/facts.js';
export { gatherFacts } from './facts/gather.js';
export type { Inventory, InventoryGroup, InventoryHost, ConnectionSettings } from './inventory/inventory.js';
export { loadInventory, selectHosts } from './inventory/index.js';
export * from './resources/index.js';
export { secret, loadEnvFile, redact } from './secrets/index.js';
export { createReporter } from './output/index.js';
export { connect, type ConnectOptions } from './transport/connect.js';
export { sh, raw, ShellCommand } from './transport/shell.js';
export type {
  ExecOptions,
  ExecResult,
  Transport,
  TransportCounters,
  UploadOptions,
} from './transport/transport.js';
