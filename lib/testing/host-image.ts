import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

/**
 * The throwaway host images. `debian12` is built offline with debootstrap (the default, and the only one
 * that works without a registry); the `-registry` kinds are built FROM official images where a registry
 * is reachable. `BOSUN_TEST_IMAGE` picks one.
 */
export const hostImageKinds = ['debian12', 'debian12-registry', 'ubuntu2404-registry'] as const;
export type HostImageKind = (typeof hostImageKinds)[number];

const recipeDir = fileURLToPath(new URL('./image/', import.meta.url)).replace('/dist/lib/', '/lib/');

export function selectedImageKind(): HostImageKind {
  const kind = process.env.BOSUN_TEST_IMAGE ?? 'debian12';
  if (!(hostImageKinds as readonly string[]).includes(kind)) {
    throw new Error(`BOSUN_TEST_IMAGE=${kind} is not one of: ${hostImageKinds.join(', ')}`);
  }
  return kind as HostImageKind;
}

const recipes: Record<
  HostImageKind,
  { file: string; build: (tag: string, file: string) => Promise<unknown> }
> = {
  debian12: { file: 'debian12.sh', build: (tag, file) => $`sh ${file} ${tag}` },
  'debian12-registry': {
    file: 'Dockerfile.registry',
    build: (tag, file) => $`docker build --build-arg BASE=debian:12 -t ${tag} -f ${file} ${recipeDir}`,
  },
  'ubuntu2404-registry': {
    file: 'Dockerfile.registry',
    build: (tag, file) => $`docker build --build-arg BASE=ubuntu:24.04 -t ${tag} -f ${file} ${recipeDir}`,
  },
};

const building = new Map<string, Promise<string>>();

/** Returns the tag of the host image, building it once per recipe (the tag carries the recipe's hash). */
export function ensureHostImage(kind: HostImageKind = selectedImageKind()): Promise<string> {
  let pending = building.get(kind);
  if (!pending) {
    pending = buildIfMissing(kind);
    building.set(kind, pending);
  }
  return pending;
}

async function buildIfMissing(kind: HostImageKind): Promise<string> {
  const recipe = recipes[kind];
  const file = recipeDir + recipe.file;
  const hash = createHash('sha256')
    .update(await readFile(file))
    .digest('hex')
    .slice(0, 12);
  const tag = `bosun-host:${kind}-${hash}`;
  const found = await $({ quiet: true, nothrow: true })`docker image inspect ${tag}`;
  if (found.exitCode !== 0) await recipe.build(tag, file);
  return tag;
}
