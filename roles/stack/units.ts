import { OptionsError } from '../../lib/index.js';

const memoryUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * A Compose memory size in MiB. Docker reads every unit as binary: '1g', '1gb' and '1GiB' are all 1024 MiB,
 * and a bare number is bytes.
 */
export function memoryMiB(size: string | number, where: string): number {
  if (typeof size === 'number') return size / 1024 ** 2;
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*(?:([bkmgt])(?:i?b)?)?$/i.exec(size.trim());
  if (!match)
    throw new OptionsError(
      'STACK_BAD_SIZE',
      `${where}: '${size}' is not a memory size; write e.g. '512m' or '1.5g'.`,
    );
  return (Number(match[1]) * memoryUnits[(match[2] ?? '').toLowerCase()]) / 1024 ** 2;
}

export function cpuCount(cpus: string | number): number {
  return typeof cpus === 'number' ? cpus : Number(cpus);
}

/** '512 MiB' below a GiB, '1.5 GiB' above. */
export function formatMiB(mib: number): string {
  return mib < 1024 ? `${Math.round(mib)} MiB` : `${(mib / 1024).toFixed(1)} GiB`;
}

export function formatCpus(cpus: number): string {
  return cpus.toFixed(2);
}
