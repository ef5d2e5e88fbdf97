import { execFileSync, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { custom } from '../actions.js';
import type { Plan, Resource, ResourceContext } from '../resource.js';
import { checkExit, lastLines, runChecked } from '../commands/run-checked.js';

export interface DockerImagesOptions {
  /** Image references on the control machine ('example/web:1.4.2'), to have on the host with the same id. */
  images: string[];
  /** How long `docker load` may take on the host; default 15 minutes. */
  timeoutMs?: number;
}

/** One image on the control machine: its id and size (bytes, uncompressed). */
export interface LocalImage {
  id: string;
  size: number;
}

export interface DockerImagesState {
  /** false when the host has no docker command yet (an earlier task installs it). */
  docker: boolean;
  /** The image id on the host, by reference; undefined when the host does not have it. */
  onHost: Record<string, string | undefined>;
  local: Record<string, LocalImage>;
}

/** An image to ship, with the id and size it has on the control machine. */
export interface ShippedImage extends LocalImage {
  image: string;
}

/**
 * Ships images from the control machine to the host without a registry: `docker save` here, gzipped,
 * into `docker load` there, over the one SSH connection. Only images whose id on the host differs (or that
 * it lacks) are shipped, all in one archive, so layers they share (a common base image) travel once.
 *
 * The archive streams from `docker save` to `docker load` as it is made: it is never held in memory or
 * written to disk on either side.
 *
 * Plan lines: `ship example/web:1 (sha256:1a2b3c4d5e6f, 92 MB, not on the host)`,
 * `ship example/web:1 (sha256:0f9e8d7c6b5a → sha256:1a2b3c4d5e6f, 92 MB)`.
 *
 * @example
 * dockerImages({ images: ['example/web:1.4.2', 'example/worker:1.4.2'] })
 */
export function dockerImages(options: DockerImagesOptions): Resource<DockerImagesState> {
  const images = [...new Set(options.images)];
  if (images.length === 0)
    throw new OptionsError('DOCKER_IMAGES_EMPTY', 'dockerImages: list at least one image.');
  for (const image of images)
    if (!/^[a-z0-9][\w./:@-]*$/i.test(image))
      throw new OptionsError(
        'DOCKER_IMAGE_NAME',
        `dockerImages: '${image}' is not an image reference such as 'example/web:1.4.2'.`,
      );
  const script = [
    'command -v docker >/dev/null 2>&1 || { echo docker=missing; exit 0; }',
    ...images.map((image, i) =>
      String(sh`echo "image.${i}=$(docker image inspect --format '{{.Id}}' ${image} 2>/dev/null)"`),
    ),
  ].join('\n');
  // Read once per resource: every probe of the run compares with the same ids.
  let local: Record<string, LocalImage> | undefined;

  return {
    kind: 'docker-images',
    id: images.join(', '),
    probe(ctx) {
      const here = (local ??= localImages(images));
      return {
        script,
        parse: (result) =>
          parseDockerImagesProbe(
            checkExit(ctx.transport.hostName, result, 'reading the images on the host', {
              code: 'PROBE_FAILED',
            }).stdout,
            images,
            here,
          ),
      };
    },
    plan: (current) => planDockerImages(current),
    execute: (ctx, action) =>
      shipImages(ctx, action.images as ShippedImage[], options.timeoutMs ?? 15 * 60_000),
  };
}

/** Reads the probe's `key=value` lines: the id on the host of each image, by its place in `images`. */
export function parseDockerImagesProbe(
  stdout: string,
  images: string[],
  local: Record<string, LocalImage>,
): DockerImagesState {
  const values = parseKeyValues(stdout);
  return {
    docker: values.get('docker') !== 'missing',
    onHost: Object.fromEntries(images.map((image, i) => [image, values.get(`image.${i}`) || undefined])),
    local,
  };
}

/** The plan of shipping images: pure, from the ids here and there. */
export function planDockerImages(current: DockerImagesState): Plan {
  const wanted = toShip(current);
  const changes = wanted.map((image) => {
    const { id, size } = current.local[image];
    const there = current.onHost[image];
    return there === undefined
      ? `ship ${image} (${shortId(id)}, ${megabytes(size)}, not on the host)`
      : `ship ${image} (${shortId(there)} → ${shortId(id)}, ${megabytes(size)})`;
  });
  const images: ShippedImage[] = wanted.map((image) => ({ image, ...current.local[image] }));
  return {
    actions: wanted.length > 0 ? [custom('ship-images', { images })] : [],
    changes,
    ...(changes.length > 0 && !current.docker ? { needsEarlierChanges: 'docker is not installed yet' } : {}),
  };
}

/**
 * Streams the images from here into `docker load` there, then checks that each has the id it has here.
 * A failed save here cuts the archive short, and the load there fails for it: the error names both.
 */
async function shipImages(ctx: ResourceContext, wanted: ShippedImage[], timeoutMs: number): Promise<void> {
  const names = wanted.map(({ image }) => image);
  const size = wanted.reduce((sum, { size }) => sum + size, 0);
  const { archive, saved } = saveGzipped(names);
  const check = names.map((image, i) =>
    String(sh`echo "image.${i}=$(docker image inspect --format '{{.Id}}' ${image})"`),
  );
  const [load, save] = await Promise.allSettled([
    runChecked(
      ctx.transport,
      ['docker load -q', ...check].join(' && '),
      `loading ${names.join(', ')} (${megabytes(size)})`,
      {
        code: 'DOCKER_LOAD_FAILED',
        stdin: archive,
        timeoutMs,
      },
    ),
    saved,
  ]);
  if (save.status === 'rejected' && load.status === 'rejected')
    throw new TaskError(
      'DOCKER_LOAD_FAILED',
      `${(load.reason as Error).message}\n${(save.reason as Error).message}`,
    );
  if (load.status === 'rejected') throw load.reason;
  if (save.status === 'rejected') throw save.reason;
  const loaded = parseKeyValues(load.value.stdout);
  const wrong = wanted.filter(({ id }, i) => loaded.get(`image.${i}`) !== id).map(({ image }) => image);
  if (wrong.length > 0)
    throw new TaskError(
      'DOCKER_LOAD_FAILED',
      `${ctx.transport.hostName}: after docker load, ${wrong.join(', ')} still has another id than on the control machine.`,
    );
}

function toShip(current: DockerImagesState): string[] {
  return Object.keys(current.local).filter((image) => current.onHost[image] !== current.local[image].id);
}

/**
 * The id and size of each image on the control machine; fails naming an image it does not have.
 * Synchronous, as a probe hands its script over at once (to go with the role's other probes): one short
 * `docker image inspect` here per image.
 */
export function localImages(images: string[]): Record<string, LocalImage> {
  return Object.fromEntries(images.map((image) => [image, localImage(image)]));
}

function localImage(image: string): LocalImage {
  let output: string;
  try {
    output = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', image], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new OptionsError(
      'IMAGE_NOT_LOCAL',
      `image ${image} is not on the control machine (${lastLines(stderr || message, 1)}); build or pull it there first (docker build -t ${image} .).`,
    );
  }
  const [id, size] = output.trim().split(' ');
  return { id, size: Number(size) };
}

/**
 * `docker save` of the images, gzipped as it streams (docker load reads gzip). `saved` settles when docker
 * save exits; it is stopped when the archive's reader stops early.
 */
function saveGzipped(images: string[]): { archive: Readable; saved: Promise<void> } {
  const save = spawn('docker', ['save', ...images], { stdio: ['ignore', 'pipe', 'pipe'] });
  const archive = save.stdout.pipe(createGzip({ level: 1 }));
  archive.on('close', () => {
    if (archive.readableEnded) return;
    // Nobody reads on: stop docker save, and drop its output (a paused pipe would keep it from closing).
    save.stdout.destroy();
    save.kill();
  });
  let stderr = '';
  save.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const saved = new Promise<void>((resolve, reject) => {
    save.on('error', reject);
    save.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = lastLines(stderr, 5) || (signal ? `stopped by ${signal}` : `exit ${code}`);
      reject(
        new TaskError(
          'DOCKER_SAVE_FAILED',
          `docker save ${images.join(' ')} failed on the control machine: ${why}`,
        ),
      );
    });
  });
  return { archive, saved };
}

const shortId = (id: string) => id.replace(/^(sha256:)?(.{12}).*$/, 'sha256:$2');
const megabytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1e6))} MB`;
