import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TObject } from '@sinclair/typebox';
import { OptionsError } from '../errors.js';
import type { InventoryHost } from '../inventory/inventory.js';
import type { AppliedRole } from './role.js';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const compiled = new WeakMap<TObject, ValidateFunction>();

/** Ajv's validator for a role's schema; unknown variables are always an error (they are typos). */
function validatorFor(schema: TObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile({ ...schema, additionalProperties: false });
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Resolves a role's variables for one host (defaults filled in) or returns every problem found,
 * each naming the role, the host and the variable, and saying what would be valid.
 */
export function resolveRoleVariables(
  applied: AppliedRole,
  host: InventoryHost,
): { vars: Record<string, unknown>; problems: string[] } {
  const given = typeof applied.variables === 'function' ? applied.variables(host) : applied.variables;
  const vars = structuredClone(given ?? {}) as Record<string, unknown>;
  const validate = validatorFor(applied.role.variables);
  if (validate(vars)) return { vars, problems: [] };
  const known = Object.keys(applied.role.variables.properties);
  const problems = (validate.errors ?? []).map(
    (error) => `role ${applied.role.name}, host ${host.name}: ${describeError(error, known)}`,
  );
  return { vars, problems };
}

function describeError(error: ErrorObject, known: string[]): string {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (error.keyword === 'additionalProperties') {
    const name = String(error.params.additionalProperty);
    const full = path ? `${path}.${name}` : name;
    const suggestion = path ? undefined : closest(name, known);
    return (
      `unknown variable '${full}'` +
      (suggestion ? ` (did you mean '${suggestion}'?)` : path ? '' : `; known variables: ${known.join(', ')}`)
    );
  }
  if (error.keyword === 'required') return `missing required variable '${error.params.missingProperty}'`;
  const detail =
    error.keyword === 'enum' ? `must be one of ${JSON.stringify(error.params.allowedValues)}` : error.message;
  return `variable '${path}' ${detail}`;
}

/** The known name within edit distance 2 of a typo, if any. */
function closest(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** Throws one OptionsError listing every problem, so a user fixes them all in one go. */
export function assertNoProblems(problems: string[]): void {
  if (problems.length > 0) {
    throw new OptionsError(
      'ROLE_VARIABLES_INVALID',
      `invalid role variables (nothing was changed on any host):\n  - ${problems.join('\n  - ')}`,
    );
  }
}
