import { executePlan } from '../../lib/resources/execute-plan.js';
import assert from 'node:assert/strict';
import { gatherFacts } from '../../lib/facts/gather.js';
import { dockerImages, localImages } from '../../lib/resources/docker/docker-images.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import { ensureHostImage } from '../../lib/testing/host-image.js';
import { LocalTransport } from '../../lib/transport/local-transport.js';
import { sh } from '../../lib/transport/shell.js';

// The control machine's own Docker engine plays the host (a local connection). A failed docker save cuts
// the archive short and the load fails for it; a load that stops early must stop docker save too.
async function localContext(): Promise<ResourceContext> {
  const transport = new LocalTransport('control');
  return {
    transport,
    facts: await gatherFacts(transport),
    check: false,
    diff: false,
    reconnect: () => Promise.reject(new Error('a local connection does not reconnect')),
  };
}

describe('shipping images: a failure on either side stops both', function () {
  this.timeout(60_000);

  it('fails the task naming the failed save and the failed load, and leaves no docker save running', async () => {
    const ctx = await localContext();
    const image = 'bosun-ship-failure/missing:1';
    const resource = dockerImages({ images: [image] });
    // As if the image had been there at the probe and was removed before the apply.
    const current = {
      docker: true,
      onHost: { [image]: undefined },
      local: { [image]: { id: 'sha256:0', size: 1 } },
    };
    await assert.rejects(
      executePlan(resource, resource.plan(current), ctx),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'DOCKER_LOAD_FAILED');
        assert.match(error.message, /control: loading bosun-ship-failure\/missing:1 .*failed/);
        assert.match(
          error.message,
          /docker save bosun-ship-failure\/missing:1 failed on the control machine: .*(no such image|reference does not exist)/i,
        );
        return true;
      },
    );
    const { stdout } = await ctx.transport.exec('pgrep -f "docker save bosun-ship-[f]ailure" || true');
    assert.equal(stdout, '');
  });

  it('stops docker save here when the load there stops early (its timeout)', async () => {
    const image = await ensureHostImage();
    const resource = dockerImages({ images: [image], timeoutMs: 300 });
    const current = { docker: true, onHost: { [image]: undefined }, local: localImages([image]) };
    await assert.rejects(
      executePlan(resource, resource.plan(current), await localContext()),
      (error: Error) => {
        assert.match(error.message, /timed out after 300 ms/);
        assert.match(error.message, /\ndocker save \S+ failed on the control machine: \S/);
        return true;
      },
    );
    const { stdout } = await new LocalTransport('control').exec(
      `pgrep -f ${sh`docker save ${image}`} || true`,
    );
    assert.equal(stdout, '', 'docker save went on after the load stopped');
  });
});
