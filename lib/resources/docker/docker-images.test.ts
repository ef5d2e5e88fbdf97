import assert from 'node:assert/strict';
import { custom } from '../actions.js';
import {
  dockerImages,
  parseDockerImagesProbe,
  planDockerImages,
  type DockerImagesState,
} from './docker-images.js';

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
      actions: [
        custom('ship-images', {
          images: [
            { image: 'example/web:1', id: id('a'), size: 92_400_000 },
            { image: 'example/db:1', id: id('b'), size: 310_000_000 },
          ],
        }),
      ],
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
    assert.deepEqual(planDockerImages(current), { actions: [], changes: [] });
  });

  it('ships in one archive only the images that differ', () => {
    const current: DockerImagesState = {
      docker: true,
      onHost: { 'example/web:1': id('a'), 'example/db:1': id('c') },
      local,
    };
    assert.deepEqual(planDockerImages(current).actions, [
      custom('ship-images', { images: [{ image: 'example/db:1', id: id('b'), size: 310_000_000 }] }),
    ]);
  });

  it('waits for an earlier task that installs docker', () => {
    const current: DockerImagesState = { docker: false, onHost: {}, local };
    assert.equal(planDockerImages(current).needsEarlierChanges, 'docker is not installed yet');
    assert.equal(planDockerImages(current).changes.length, 2);
  });
});

describe('parseDockerImagesProbe', () => {
  const images = ['example/web:1', 'example/db:1'];

  it('reads the id each image has on the host, by its place in the list', () => {
    // What the probe printed on a host that has the web image and not the db one.
    const stdout = `image.0=${id('c')}\nimage.1=\n`;
    assert.deepEqual(parseDockerImagesProbe(stdout, images, local), {
      docker: true,
      onHost: { 'example/web:1': id('c'), 'example/db:1': undefined },
      local,
    });
  });

  it('notes a host without the docker command', () => {
    assert.deepEqual(parseDockerImagesProbe('docker=missing\n', images, local), {
      docker: false,
      onHost: { 'example/web:1': undefined, 'example/db:1': undefined },
      local,
    });
  });
});

describe('dockerImages', () => {
  it('refuses an empty list and references that are not image names', () => {
    assert.throws(() => dockerImages({ images: [] }), /list at least one image/);
    assert.throws(() => dockerImages({ images: ['web; rm -rf /'] }), /is not an image reference/);
  });
});
