import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from 'zx';
import { ensureHostImage } from '../../lib/testing/index.js';

/** The stack tests' images, by service: tags that carry the hash of their recipe and base image. */
export interface TestImages {
  web: string;
  db: string;
  cache: string;
}

const recipes = join(import.meta.dirname, 'images');

/**
 * Tags of the web (nginx-light), db (PostgreSQL) and cache (Redis) images, built FROM the throwaway host's
 * own base image (no registry here). A tag changes only when its Dockerfile, its files or the base image do.
 */
export async function testImages(): Promise<TestImages> {
  const base = await ensureHostImage();
  const tag = async (name: keyof TestImages) => {
    const hash = createHash('sha256').update(base);
    for (const file of (await readdir(join(recipes, name))).sort())
      hash.update(file).update(await readFile(join(recipes, name, file)));
    return `bosun-stack-test/${name}:${hash.digest('hex').slice(0, 12)}`;
  };
  return { web: await tag('web'), db: await tag('db'), cache: await tag('cache') };
}

/** Builds the images that are not on this machine yet, one at a time (2 cores). */
export async function buildTestImages(images: TestImages): Promise<void> {
  const base = await ensureHostImage();
  for (const [name, image] of Object.entries(images)) {
    const found = await $({ quiet: true, nothrow: true })`docker image inspect ${image}`;
    if (found.exitCode === 0) continue;
    await $({ quiet: true })`docker build --build-arg ${`BASE=${base}`} -t ${image} ${join(recipes, name)}`;
  }
}
