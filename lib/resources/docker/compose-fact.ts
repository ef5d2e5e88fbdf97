import { defineFact } from '../../facts/define-fact.js';
import { parseKeyValues } from '../../facts/key-values.js';

/** 'v2' for the `docker compose` plugin, 'v1' for `docker-compose`, or none. */
export type ComposeFlavour = 'v2' | 'v1' | 'none';

/** Prints `compose=v2`, `compose=v1` or `compose=none`; tolerates a host without Docker. */
export const composeDetectionScript = `if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then echo compose=v2
elif command -v docker-compose >/dev/null 2>&1; then echo compose=v1
else echo compose=none
fi`;

/** Reads the `compose=` line of the detection script's output. */
export function parseComposeFlavour(values: Map<string, string>): ComposeFlavour {
  const compose = values.get('compose');
  return compose === 'v2' || compose === 'v1' ? compose : 'none';
}

/** Which Docker Compose the host has: a fact of the roles that run Compose, not a core fact. */
export const composeFact = defineFact<ComposeFlavour>({
  name: 'compose',
  script: composeDetectionScript,
  parse: ({ stdout }) => parseComposeFlavour(parseKeyValues(stdout)),
});
