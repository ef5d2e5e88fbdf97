import type { Check, Resource } from '../resources/resource.js';

/** One step of a role or play: a named resource (or check) plus when and how it runs. */
export interface Task {
  name: string;
  resource: Resource | Check;
  /** Handler names to run at the end of the role when this task changes something. */
  notify?: string[];
  tags?: string[];
  /** Skip the task (reported as skipped) when false. */
  when?: boolean;
  /** Report a failure of this task but go on with the next (Ansible's `ignore_errors`). */
  ignoreErrors?: boolean;
}

/** Shorthand for a task: `task('write motd', file({...}), { notify: ['restart sshd'] })`. */
export function task(
  name: string,
  resource: Resource | Check,
  options: Omit<Task, 'name' | 'resource'> = {},
): Task {
  return { name, resource, ...options };
}
