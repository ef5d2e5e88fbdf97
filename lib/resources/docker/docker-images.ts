import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import type { Plan, Resource } from '../resource.js';
import { lastLines, runChecked } from '../commands/run-checked.js';

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

const run = promisify(execFile);

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

  return {
    kind: 'docker-images',
    id: images.join(', '),
    async probe(ctx) {
      const local = await localImages(images);
      const script = [
        'command -v docker >/dev/null 2>&1 || { echo docker=missing; exit 0; }',
        ...images.map((image, i) =>
          String(sh`echo "image.${i}=$(docker image inspect --format '{{.Id}}' ${image} 2>/dev/null)"`),
        ),
      ].join('\n');
      const result = await runChecked(ctx.transport, script, 'reading the images on the host', {
        code: 'PROBE_FAILED',
      });
      const values = parseKeyValues(result.stdout);
      return {
        docker: values.get('docker') !== 'missing',
        onHost: Object.fromEntries(images.map((image, i) => [image, values.get(`image.${i}`) || undefined])),
        local,
      };
    },
    plan: (current) => planDockerImages(current),
    async apply(ctx, current) {
      const wanted = toShip(current);
      const size = wanted.reduce((sum, image) => sum + current.local[image].size, 0);
      const { archive, saved } = saveGzipped(wanted);
      const check = wanted.map((image, i) =>
        String(sh`echo "image.${i}=$(docker image inspect --format '{{.Id}}' ${image})"`),
      );
      const [load, save] = await Promise.allSettled([
        runChecked(
          ctx.transport,
          ['docker load -q', ...check].join(' && '),
          `loading ${wanted.join(', ')} (${megabytes(size)})`,
          { code: 'DOCKER_LOAD_FAILED', stdin: archive, timeoutMs: options.timeoutMs ?? 15 * 60_000 },
        ),
        saved,
      ]);
      // A failed save here cuts the archive short, and the load there fails for it: name both.
      if (save.status === 'rejected' && load.status === 'rejected')
        throw new TaskError(
          'DOCKER_LOAD_FAILED',
          `${(load.reason as Error).message}\n${(save.reason as Error).message}`,
        );
      if (load.status === 'rejected') throw load.reason;
      if (save.status === 'rejected') throw save.reason;
      const loaded = parseKeyValues(load.value.stdout);
      const wrong = wanted.filter((image, i) => loaded.get(`image.${i}`) !== current.local[image].id);
      if (wrong.length > 0)
        throw new TaskError(
          'DOCKER_LOAD_FAILED',
          `${ctx.transport.hostName}: after docker load, ${wrong.join(', ')} still has another id than on the control machine.`,
        );
    },
  };
}

/** The plan of shipping images: pure, from the ids here and there. */
export function planDockerImages(current: DockerImagesState): Plan {
  const changes = toShip(current).map((image) => {
    const { id, size } = current.local[image];
    const there = current.onHost[image];
    return there === undefined
      ? `ship ${image} (${shortId(id)}, ${megabytes(size)}, not on the host)`
      : `ship ${image} (${shortId(there)} → ${shortId(id)}, ${megabytes(size)})`;
  });
  return {
    changes,
    ...(changes.length > 0 && !current.docker ? { needsEarlierChanges: 'docker is not installed yet' } : {}),
  };
}

function toShip(current: DockerImagesState): string[] {
  return Object.keys(current.local).filter((image) => current.onHost[image] !== current.local[image].id);
}

/** The id and size of each image on the control machine; fails naming an image it does not have. */
export async function localImages(images: string[]): Promise<Record<string, LocalImage>> {
  const found: Record<string, LocalImage> = {};
  for (const image of images) {
    const result = await run('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', image]).catch(
      (error: { stderr?: string; message: string }) => {
        throw new OptionsError(
          'IMAGE_NOT_LOCAL',
          `image ${image} is not on the control machine (${lastLines(error.stderr || error.message, 1)}); build or pull it there first (docker build -t ${image} .).`,
        );
      },
    );
    const [id, size] = result.stdout.trim().split(' ');
    found[image] = { id, size: Number(size) };
  }
  return found;
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
