import { TaskError } from '../../lib/errors.js';
import type { Resource } from '../../lib/resources/resource.js';

/** A task that fails with `message` (in check mode too) and changes nothing: for a host the role cannot serve. */
export function unsupported(message: string): Resource<undefined> {
  return {
    kind: 'guard',
    id: 'supported distribution',
    probe: async () => undefined,
    plan() {
      throw new TaskError('UNSUPPORTED_DISTRIBUTION', message);
    },
    async apply() {
      // The plan always throws.
    },
  };
}
