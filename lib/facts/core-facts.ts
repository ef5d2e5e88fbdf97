import { defineFact } from './define-fact.js';
import type { Facts } from './facts.js';
import { coreFactsScript } from './facts-script.js';
import { parseFacts } from './parse-facts.js';

/** The facts every host gets in its first round trip: OS, architecture, user, init system, tools. */
export const coreFacts = defineFact<Facts>({
  name: 'core',
  script: coreFactsScript,
  parse: ({ stdout }) => parseFacts(stdout),
});
