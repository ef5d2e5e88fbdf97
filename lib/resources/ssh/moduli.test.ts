import assert from 'node:assert/strict';
import { run } from '../actions.js';
import type { Probe, ResourceContext } from '../resource.js';
import { moduli, parseModuliCounts, planModuli, type ModuliState } from './moduli.js';

const desired = { path: '/etc/ssh/moduli', minBits: 3072 };

describe('planModuli', () => {
  it('removes the small groups and says how many of all', () => {
    assert.deepEqual(planModuli({ exists: true, total: 410, small: 270 }, desired), {
      actions: [
        run(
          `set -e
tmp=$(mktemp /etc/ssh/moduli.bosun.XXXXXX)
trap 'rm -f "$tmp"' EXIT
awk -v min=3071 '/^#/ || NF < 7 || $5 >= min' /etc/ssh/moduli > "$tmp"
chmod --reference=/etc/ssh/moduli "$tmp"
chown --reference=/etc/ssh/moduli "$tmp"
mv -f "$tmp" /etc/ssh/moduli
trap - EXIT`,
          'removing small moduli from /etc/ssh/moduli',
          'MODULI_FAILED',
        ),
      ],
      changes: ['remove 270 of 410 moduli smaller than 3072 bits from /etc/ssh/moduli'],
    });
  });

  it('changes nothing when every group is large enough, or without the file', () => {
    const nothing = { actions: [], changes: [] };
    assert.deepEqual(planModuli({ exists: true, total: 140, small: 0 }, desired), nothing);
    assert.deepEqual(planModuli({ exists: false, total: 0, small: 0 }, desired), nothing);
  });

  it('refuses to empty the file', () => {
    assert.throws(
      () => planModuli({ exists: true, total: 12, small: 12 }, desired),
      /all 12 moduli are smaller than 3072 bits.*ssh-keygen -M generate -O bits=3072/,
    );
  });

  it('needs an absolute path', () => {
    assert.throws(() => moduli({ path: 'moduli' }), /absolute path/);
  });
});

describe('moduli probe', () => {
  const ctx = { transport: { hostName: 'web1' } } as unknown as ResourceContext;

  it('counts the groups under the size field of minBits, in one script', () => {
    const probe = moduli({ minBits: 4096 }).probe(ctx) as Probe<ModuliState>;
    assert.match(probe.script, /awk -v min=4095 /);
    assert.deepEqual(probe.parse({ code: 0, stdout: 'exists=1\ntotal=410\nsmall=270\n', stderr: '' }), {
      exists: true,
      total: 410,
      small: 270,
    });
    assert.throws(
      () => probe.parse({ code: 2, stdout: 'exists=1\n', stderr: 'awk: cannot open /etc/ssh/moduli' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        /^web1: reading \/etc\/ssh\/moduli failed \(exit 2\)/.test(error.message),
    );
  });

  it('reads a missing file', () => {
    assert.deepEqual(parseModuliCounts('exists=0\n'), { exists: false, total: 0, small: 0 });
  });
});
