import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import type { InventoryHost } from '../inventory/inventory.js';
import { assertNoProblems, resolveRoleVariables } from './role-variables.js';
import { defineRole } from './role.js';

const sshRole = defineRole({
  name: 'harden-ssh',
  variables: Type.Object({
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 22 }),
    allowUsers: Type.Array(Type.String(), { default: [] }),
    permitRootLogin: Type.Union([Type.Literal('no'), Type.Literal('prohibit-password')], { default: 'no' }),
  }),
  tasks: () => [],
});

const host: InventoryHost = {
  name: 'web1',
  groups: ['all', 'web'],
  vars: { ssh_port: 2222 },
  connection: { connection: 'ssh', address: 'web1', become: false },
};

describe('role variables', () => {
  it('fills defaults and keeps given values', () => {
    const { vars, problems } = resolveRoleVariables(sshRole({ allowUsers: ['deploy'] }), host);
    assert.deepEqual(problems, []);
    assert.deepEqual(vars, { port: 22, allowUsers: ['deploy'], permitRootLogin: 'no' });
  });

  it('computes variables per host from inventory variables', () => {
    const { vars } = resolveRoleVariables(
      sshRole((h) => ({ port: h.vars.ssh_port as number })),
      host,
    );
    assert.equal(vars.port, 2222);
  });

  it('names the role, host and variable of every problem, with a suggestion for typos', () => {
    const { problems } = resolveRoleVariables(
      sshRole({ prot: 52231, permitRootLogin: 'yes', allowUsers: 'deploy' } as never),
      host,
    );
    assert.ok(
      problems.includes("role harden-ssh, host web1: unknown variable 'prot' (did you mean 'port'?)"),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith("role harden-ssh, host web1: variable 'allowUsers' must be array")),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes("variable 'permitRootLogin'")),
      problems.join('\n'),
    );
  });

  it('rejects out-of-range values and reports them all in one error with exit code 5', () => {
    const { problems } = resolveRoleVariables(sshRole({ port: 70000 }), host);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /variable 'port' must be <= 65535/);
    assert.throws(
      () => assertNoProblems(problems),
      (error: Error & { exitCode?: number; code?: string }) =>
        error.exitCode === 5 &&
        error.code === 'ROLE_VARIABLES_INVALID' &&
        /nothing was changed/.test(error.message),
    );
  });
});
