import { TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from '../files/absolute-path.js';
import { run } from '../actions.js';
import { noChange, type Plan, type Resource } from '../resource.js';
import { checkExit } from '../commands/run-checked.js';

export interface ModuliOptions {
  /** The moduli file sshd reads for Diffie-Hellman group exchange; default /etc/ssh/moduli. */
  path?: string;
  /** Keep only groups of at least this many bits; default 3072. */
  minBits?: number;
}

export interface ModuliState {
  exists: boolean;
  /** Moduli (non-comment lines) in the file, and how many of them are too small. */
  total: number;
  small: number;
}

export interface ModuliDesired {
  path: string;
  minBits: number;
}

/** The file's fifth field: a group's size in bits minus one (a 3072-bit group reads 3071). */
const sizeField = (bits: number) => bits - 1;

/**
 * Removes small Diffie-Hellman groups from sshd's moduli file (dev-sec's ssh_hardening and ssh-audit's
 * hardening guides do the same with awk), so that diffie-hellman-group-exchange never hands out a weak group.
 * The file's fifth field is the size in bits minus one: a 3072-bit group reads 3071. The new content is
 * written beside the file and renamed over it; a file with no group left large enough is refused, not emptied.
 *
 * + path: the moduli file (default /etc/ssh/moduli)
 * + minBits: smallest group kept (default 3072)
 *
 * Plan line: `remove 270 of 410 moduli smaller than 3072 bits from /etc/ssh/moduli`.
 *
 * @example
 * moduli({ minBits: 3072 })
 */
export function moduli(options: ModuliOptions = {}): Resource<ModuliState> {
  const desired: ModuliDesired = {
    path: absolutePath(options.path ?? '/etc/ssh/moduli', 'moduli'),
    minBits: options.minBits ?? 3072,
  };
  const { path } = desired;
  return {
    kind: 'moduli',
    id: path,
    probe: (ctx) => ({
      script: sh`if [ ! -f ${path} ]; then echo exists=0; exit 0; fi
echo exists=1
awk -v min=${sizeField(desired.minBits)} '!/^#/ && NF >= 7 { total++; if ($5 < min) small++ } END { print "total=" total + 0; print "small=" small + 0 }' ${path}`
        .text,
      parse: (result) =>
        parseModuliCounts(
          checkExit(ctx.transport.hostName, result, `reading ${path}`, { code: 'PROBE_FAILED' }).stdout,
        ),
    }),
    plan: (current) => planModuli(current, desired),
  };
}

/** Reads what the probe printed. */
export function parseModuliCounts(output: string): ModuliState {
  const values = parseKeyValues(output);
  return {
    exists: values.get('exists') === '1',
    total: Number(values.get('total') ?? 0),
    small: Number(values.get('small') ?? 0),
  };
}

/** The plan of a moduli file: pure, from the counts the probe read. A missing file has nothing to remove. */
export function planModuli(current: ModuliState, desired: ModuliDesired): Plan {
  if (!current.exists || current.small === 0) return noChange();
  if (current.small === current.total) {
    throw new TaskError(
      'MODULI_TOO_SMALL',
      `${desired.path}: all ${current.total} moduli are smaller than ${desired.minBits} bits; removing them would leave group exchange without groups. Generate larger ones (ssh-keygen -M generate -O bits=${desired.minBits}, then ssh-keygen -M screen) or keep the small ones.`,
    );
  }
  return {
    actions: [run(removeSmallScript(desired), `removing small moduli from ${desired.path}`, 'MODULI_FAILED')],
    changes: [
      `remove ${current.small} of ${current.total} moduli smaller than ${desired.minBits} bits from ${desired.path}`,
    ],
  };
}

/** Keeps the large groups in a file beside the old one, with its mode and owner, then renames it over. */
function removeSmallScript({ path, minBits }: ModuliDesired): string {
  return sh`set -e
tmp=$(mktemp ${`${path}.bosun.XXXXXX`})
trap 'rm -f "$tmp"' EXIT
awk -v min=${sizeField(minBits)} '/^#/ || NF < 7 || $5 >= min' ${path} > "$tmp"
chmod --reference=${path} "$tmp"
chown --reference=${path} "$tmp"
mv -f "$tmp" ${path}
trap - EXIT`.text;
}
