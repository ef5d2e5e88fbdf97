import { chmod, copyFile, link, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Downloaded .deb files shared by the throwaway hosts of this machine. Each host gets a folder of its own
 * for /var/cache/apt/archives, filled with hard links to the shared files: apt takes an exclusive lock on
 * its archives folder and fails at once when another host holds it, so hosts installing in parallel
 * cannot share the folder itself. When the host stops, the packages it downloaded join the shared set.
 */
export class AptCacheLease {
  private constructor(
    readonly dir: string,
    private readonly sharedDir: string,
  ) {}

  static async open(sharedDir = join(tmpdir(), 'bosun-apt-cache')): Promise<AptCacheLease> {
    const hostsDir = join(sharedDir, 'hosts');
    await mkdir(hostsDir, { recursive: true });
    const lease = new AptCacheLease(await mkdtemp(join(hostsDir, 'host-')), sharedDir);
    // apt's unprivileged downloader (_apt) must reach partial/ inside it, as in /var/cache/apt/archives.
    await chmod(lease.dir, 0o755);
    await mkdir(join(lease.dir, 'partial'));
    await shareDebs(sharedDir, lease.dir);
    return lease;
  }

  /** Call after the container stopped: nothing writes to the folder any more. */
  async close(): Promise<void> {
    await shareDebs(this.dir, this.sharedDir);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Links every complete .deb of `from` into `to` unless it is there already (a link is created whole). */
async function shareDebs(from: string, to: string): Promise<void> {
  const present = new Set(await readdir(to));
  const debs = (await readdir(from)).filter((name) => name.endsWith('.deb') && !present.has(name));
  for (const name of debs) {
    await link(join(from, name), join(to, name)).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      // Hard links can be refused (another filesystem, protected_hardlinks): a copy does as well.
      if (error.code === 'EXDEV' || error.code === 'EPERM') return copyInto(join(from, name), to, name);
      throw error;
    });
  }
}

async function copyInto(source: string, to: string, name: string): Promise<void> {
  const partial = join(to, `.${name}.${process.pid}.partial`);
  await copyFile(source, partial);
  // A link, not a rename: it fails instead of replacing a file another process put there meanwhile.
  await link(partial, join(to, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await rm(partial, { force: true });
}
