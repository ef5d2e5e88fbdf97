import assert from 'node:assert/strict';
import type { Facts } from '../facts/facts.js';
import type { Probe, Resource, ResourceContext } from '../resources/resource.js';
import { FakeHost } from '../testing/fake-host.js';
import { probeAll } from './run-resource.js';

describe('probeAll', () => {
  const host = new FakeHost('probe-host');
  after(() => host.remove());
  const context = (): ResourceContext => {
    const transport = host.connect();
    return { transport, facts: {} as Facts, check: true, diff: false, reconnect: async () => transport };
  };
  const reading = (probe: (ctx: ResourceContext) => Probe<string> | Promise<string>): Resource<string> => ({
    kind: 'reading',
    id: 'x',
    probe,
    plan: () => ({ actions: [], changes: [] }),
  });

  it('sends every script in one round trip, runs a follow-up only where the first answer asks for one', async () => {
    const ctx = context();
    const before = ctx.transport.counters.commands;
    const followUp = async (state: string) =>
      state === 'ask again' ? (await ctx.transport.exec('echo answered')).stdout.trim() : state;
    const results = await probeAll(
      [
        reading(() => ({ script: 'echo one', parse: ({ stdout }) => stdout.trim() })),
        reading(() => ({ script: 'echo ask again', parse: ({ stdout }) => stdout.trim(), followUp })),
        reading(() => ({ script: 'echo settled', parse: ({ stdout }) => stdout.trim(), followUp })),
        reading(() => {
          throw new Error('cannot probe');
        }),
        reading(() => ({
          script: 'exit 3',
          parse: ({ code }) => {
            throw new Error(`exit ${code}`);
          },
        })),
      ],
      ctx,
    );
    assert.deepEqual(
      results.map((r) => ('state' in r ? r.state : (r.error as Error).message)),
      ['one', 'answered', 'settled', 'cannot probe', 'exit 3'],
    );
    assert.equal(ctx.transport.counters.commands - before, 2);
  });
});
