import type { Resource } from '../../lib/index.js';

/**
 * A resource built at its first probe rather than when the role lists its tasks: its content (rendered
 * templates, secrets, the Compose file's hashes) is then computed inside a task, so a failure is that
 * task's failure, reported like any other, and check mode never computes what it does not need.
 */
export function lazyResource<State>(kind: string, id: string, make: () => Resource<State>): Resource<State> {
  let made: Resource<State> | undefined;
  const resource = () => (made ??= make());
  return {
    kind,
    id,
    probe: (ctx) => resource().probe(ctx),
    plan: (current) => resource().plan(current),
    execute: (ctx, action) => resource().execute!(ctx, action),
  };
}
