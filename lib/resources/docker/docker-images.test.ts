import assert from 'node:assert/strict';
import { dockerImages, planDockerImages, type DockerImagesState } from './docker-images.js';

const id = (digit: string) => `sha256:${digit.repeat(64)}`;
const local = {
  'example/web:1': { id: id('a'), size: 92_400_000 },
  'example/db:1': { id: id('b'), size: 310_000_000 },
};

describe('planDockerImages', () => {
  it('ships images the host lacks or has with another id, and nothing else', () => {
    const current: DockerImagesState = {
      docker: true,
      onHost: { 'example/web:1': id('c'), 'example/db:1': undefined },
      local,
    };
    assert.deepEqual(planDockerImages(current), {
      changes: [
        'ship example/web:1 (sha256:cccccccccccc → sha256:aaaaaaaaaaaa, 92 MB)',
        'ship example/db:1 (sha256:bbbbbbbbbbbb, 310 MB, not on the host)',
      ],
    });
  });

  it('changes nothing when every id matches', () => {
    const current: DockerImagesState = {
      docker: true,
      onHost: { 'example/web:1': id('a'), 'example/db:1': id('b') },
      local,
    };
    assert.deepEqual(planDockerImages(current), { changes: [] });
  });

  it('waits for an earlier task that installs docker', () => {
    const current: DockerImagesState = { docker: false, onHost: {}, local };
    assert.equal(planDockerImages(current).needsEarlierChanges, 'docker is not installed yet');
    assert.equal(planDockerImages(current).changes.length, 2);
  });
});

describe('dockerImages', () => {
  it('refuses an empty list and references that are not image names', () => {
    assert.throws(() => dockerImages({ images: [] }), /list at least one image/);
    assert.throws(() => dockerImages({ images: ['web; rm -rf /'] }), /is not an image reference/);
  });
});
