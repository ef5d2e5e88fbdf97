import type { Static, TObject } from '@sinclair/typebox';
import type { FactDefinition, FactReader } from '../facts/define-fact.js';
import type { Facts } from '../facts/facts.js';
import type { InventoryHost } from '../inventory/inventory.js';
import type { Resource } from '../resources/resource.js';
import type { Task } from './task.js';

/** What a role's tasks may read besides its variables. */
export interface RoleContext {
  host: InventoryHost;
  /** The core facts. */
  facts: Facts;
  /** The value of a fact the role declared in `facts`. */
  fact: FactReader;
}

/**
 * A reusable unit: a variables schema (TypeBox: one source for the JSON Schema that ajv validates
 * and the TypeScript type), its tasks and its handlers. Defaults live in the schema.
 */
export interface RoleDefinition<S extends TObject = TObject> {
  name: string;
  /** Role-wide tags, added to every task's own. */
  tags?: string[];
  variables: S;
  /** Facts beyond the core ones that the role's tasks read (`ctx.fact(sshdFact)`): gathered before it runs. */
  facts?: FactDefinition<unknown>[];
  tasks(vars: Static<S>, ctx: RoleContext): Task[];
  handlers?(vars: Static<S>, ctx: RoleContext): Record<string, Resource>;
}

/** Variables given to a role: fixed, or computed per host from the inventory. */
export type RoleVariables<S extends TObject> =
  Partial<Static<S>> | ((host: InventoryHost) => Partial<Static<S>>);

/** A role called with its variables, ready to go into a play. */
export interface AppliedRole<S extends TObject = TObject> {
  role: RoleDefinition<S>;
  variables: RoleVariables<S>;
}

/**
 * Defines a role and returns the function users call with their variables:
 * `export const motd = defineRole({...}); motd({ text: 'hi' })`.
 */
export function defineRole<S extends TObject>(
  definition: RoleDefinition<S>,
): ((variables?: RoleVariables<S>) => AppliedRole<S>) & { definition: RoleDefinition<S> } {
  const apply = (variables: RoleVariables<S> = {}) => ({ role: definition, variables });
  return Object.assign(apply, { definition });
}

/** A role's context: the core facts and the values of the facts it declared (the engine's, and unit tests'). */
export function roleContext(
  host: InventoryHost,
  facts: Facts,
  known: [FactDefinition<unknown>, unknown][] = [],
): RoleContext {
  const values = new Map(known);
  return {
    host,
    facts,
    fact: (definition) => {
      if (!values.has(definition as FactDefinition<unknown>))
        throw new Error(`the ${definition.name} fact is read but not declared: add it to the role's facts`);
      return values.get(definition as FactDefinition<unknown>) as ReturnType<typeof definition.parse>;
    },
  };
}
