/** Text primitives shared by the reporters. */

/** An Ansible-style section line: `TASK [name] *****` padded to 80 columns. */
export function banner(text: string): string {
  return `${text} ${'*'.repeat(Math.max(3, 79 - text.length))}`;
}

/** `role : task` as Ansible names a role's task, or the task alone for a play's own tasks. */
export function taskLabel(task: { role?: string; task: string }): string {
  return task.role ? `${task.role} : ${task.task}` : task.task;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Continuation lines of a multi-line message, indented under the line that introduces it. */
export function indentRest(text: string, indent = '    '): string {
  return text.replace(/\r?\n/g, `\n${indent}`);
}
