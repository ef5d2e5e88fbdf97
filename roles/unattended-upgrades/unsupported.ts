import type { Check } from '../../lib/index.js';

/** A task that fails with `message` (in check mode too) and changes nothing: for a host the role cannot serve. */
export function unsupported(message: string): Check<undefined> {
  return {
    kind: 'guard',
    id: 'supported distribution',
    // Nothing to read on the host: the facts already said which distribution it is.
    probe: async () => undefined,
    verify: () => ({ passed: false, message }),
  };
}
