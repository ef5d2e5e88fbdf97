import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { probeOne } from '../../lib/engine/run-resource.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import { computeBudget } from './budget.js';
import { budgetGuard, verifyBudget } from './budget-guard.js';
import { findExposures } from './exposure.js';
import { exposureGuard, parseFirewallOutput, verifyExposures } from './exposure-guard.js';
import { useCaseA, useCaseB } from './fixtures/use-cases.js';

const ufwActive = readFileSync(new URL('./fixtures/ufw-status-active.txt', import.meta.url), 'utf8');
const defaults = { reserveMemoryMb: 1024, reserveCpus: 0.5, overcommitCpu: false };
const host = { cpus: 4, memoryMb: 16 * 1024 };

describe('budgetGuard', () => {
  it('passes with the totals when the stack fits', () => {
    const report = computeBudget(useCaseB, host, { ...defaults, reserveMemoryMb: 2048 });
    assert.deepEqual(verifyBudget(report, false, 'web1'), {
      passed: true,
      message: 'limits 3.49/3.50 CPUs, 13.8 GiB/14.0 GiB',
    });
  });

  it('fails with the table and each problem when it does not fit (nothing was changed)', () => {
    const verdict = verifyBudget(computeBudget(useCaseA, host, defaults), false, 'web1');
    assert.equal(verdict.passed, false);
    assert.match(
      verdict.message ?? '',
      /^web1: the stack does not fit the host's resource budget \(nothing was changed\):\n/,
    );
    assert.match(
      verdict.message ?? '',
      /^- memory limits add up to 16\.0 GiB, more than the [\d.]+ GiB available$/m,
    );
  });

  it('warns about services without limits, and refuses them with requireLimits', () => {
    const compose = { services: { web: { image: 'web:1' } } };
    const report = computeBudget(compose, host, defaults);
    assert.match(
      verifyBudget(report, false, 'web1').message ?? '',
      /; warning: these services have no limit: web \(memory, cpus\): they can take/,
    );
    assert.deepEqual(verifyBudget(report, true, 'web1'), {
      passed: false,
      message:
        "web1: the stack does not fit the host's resource budget: requireLimits is set and these services have " +
        'no limit: web (memory, cpus) (nothing was changed). Give each service deploy.resources.limits with cpus and memory.',
    });
  });

  it('only warns when the facts do not know the memory and CPUs, reading nothing on the host', async () => {
    assert.deepEqual(verifyBudget(undefined, true, 'web1'), {
      passed: true,
      message: "warning: the host's memory and CPUs are unknown; budget not checked",
    });
    const guard = budgetGuard({ compose: () => useCaseA, requireLimits: false, ...defaults });
    const ctx = { facts: { memoryMb: 0, cpus: 0 }, transport: { counters: { commands: 0 } } };
    assert.equal(await probeOne(guard, ctx as unknown as ResourceContext), undefined);
  });
});

describe('exposureGuard', () => {
  const compose = { services: { db: { image: 'postgres:16', ports: ['5432:5432'] } } };

  it('reads the firewall script: ufw status and the DOCKER-USER chain, each where the tool is', () => {
    const stdout = `--- ufw\n${ufwActive}--- docker-user\n-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n`;
    const state = parseFirewallOutput(stdout);
    assert.equal(state.ufw, 'active');
    assert.equal(state.dockerUserRules, 0);
    assert.ok(state.allowed.length > 0);
    assert.deepEqual(parseFirewallOutput('--- docker-user\n-N DOCKER-USER\n'), {
      ufw: 'absent',
      allowed: [],
      dockerUserRules: 0,
      ufwDocker: false,
    });
    assert.equal(parseFirewallOutput('').ufw, 'absent');
  });

  it('warns, or with the fail policy fails, naming the exposed ports', () => {
    const exposures = findExposures(compose, parseFirewallOutput(''));
    assert.match(verifyExposures(exposures, 'warn', 'web1').message ?? '', /^warning: 1 published port/);
    assert.equal(verifyExposures(exposures, 'warn', 'web1').passed, true);
    const failed = verifyExposures(exposures, 'fail', 'web1');
    assert.equal(failed.passed, false);
    assert.match(
      failed.message ?? '',
      /^web1: 1 published port.*\n[^]*\(nothing was changed; exposure: 'fail'\)$/,
    );
    assert.deepEqual(verifyExposures([], 'fail', 'web1'), { passed: true });
  });

  it('sends the firewall script only when a port is published on every interface', async () => {
    const local = { services: { web: { image: 'web:1', ports: ['127.0.0.1:8080:80'] } } };
    assert.deepEqual(
      await exposureGuard({ compose: () => local, policy: 'fail' }).probe({} as ResourceContext),
      [],
    );
    const probe = exposureGuard({ compose: () => compose, policy: 'fail' }).probe({} as ResourceContext);
    assert.ok('script' in probe && probe.script.includes('iptables -S DOCKER-USER'));
  });
});
