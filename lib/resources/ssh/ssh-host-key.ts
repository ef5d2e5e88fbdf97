import { OptionsError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh, raw } from '../../transport/shell.js';
import { run } from '../actions.js';
import { noChange, type Plan, type Resource } from '../resource.js';
import { checkExit } from '../commands/run-checked.js';

export type SshHostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface SshHostKeyOptions {
  type: SshHostKeyType;
  /** RSA: an existing key smaller than this is replaced; default 3072. */
  minBits?: number;
  /** RSA: size of a generated key; default 4096. */
  bits?: number;
}

export interface SshHostKeyState {
  exists: boolean;
  /** Size of the existing key, as `ssh-keygen -l` reports it. */
  bits?: number;
}

export interface SshHostKeyDesired {
  type: SshHostKeyType;
  path: string;
  minBits: number;
  bits: number;
}

/**
 * One of sshd's host keys, /etc/ssh/ssh_host_TYPE_key with its .pub: generated when missing and, for RSA,
 * replaced by a larger one when it is under `minBits` (ssh-audit fails RSA host keys under 3072 bits).
 * A new key is generated in a temporary folder beside it and moved into place. A replaced key changes the
 * host's fingerprint for that type: clients that recorded it see a changed host key.
 *
 * + type: 'ed25519', 'rsa' or 'ecdsa'
 * + minBits, bits: RSA only, the smallest key kept (3072) and the size generated (4096)
 *
 * Plan lines: `generate ed25519 host key /etc/ssh/ssh_host_ed25519_key`,
 * `replace the 2048-bit RSA host key /etc/ssh/ssh_host_rsa_key with a 4096-bit one`.
 *
 * @example
 * sshHostKey({ type: 'ed25519' })
 * sshHostKey({ type: 'rsa', minBits: 3072, bits: 4096 })
 */
export function sshHostKey(options: SshHostKeyOptions): Resource<SshHostKeyState> {
  if (!['ed25519', 'rsa', 'ecdsa'].includes(options.type))
    throw new OptionsError('SSH_HOST_KEY_OPTIONS', `sshHostKey: unknown key type '${String(options.type)}'.`);
  const desired: SshHostKeyDesired = {
    type: options.type,
    path: `/etc/ssh/ssh_host_${options.type}_key`,
    minBits: options.minBits ?? 3072,
    bits: options.bits ?? 4096,
  };
  if (desired.type === 'rsa' && desired.bits < desired.minBits)
    throw new OptionsError(
      'SSH_HOST_KEY_OPTIONS',
      `sshHostKey: bits ${desired.bits} is under minBits ${desired.minBits}.`,
    );
  const { path } = desired;
  return {
    kind: 'ssh-host-key',
    id: path,
    probe: (ctx) => ({
      script: sh`if [ ! -f ${path} ] || [ ! -f ${`${path}.pub`} ]; then echo exists=0; exit 0; fi
echo exists=1
ssh-keygen -l -f ${`${path}.pub`} | awk '{ print "bits=" $1 }'`.text,
      parse: (result) =>
        parseHostKey(
          checkExit(ctx.transport.hostName, result, `reading host key ${path}`, { code: 'PROBE_FAILED' })
            .stdout,
        ),
    }),
    plan: (current) => planSshHostKey(current, desired),
  };
}

/** Reads what the probe printed. */
export function parseHostKey(output: string): SshHostKeyState {
  const values = parseKeyValues(output);
  return {
    exists: values.get('exists') === '1',
    bits: values.has('bits') ? Number(values.get('bits')) : undefined,
  };
}

/** The plan of a host key: pure, from whether it exists and its size. */
export function planSshHostKey(current: SshHostKeyState, desired: SshHostKeyDesired): Plan {
  const generate = [generateAction(desired)];
  if (!current.exists)
    return { actions: generate, changes: [`generate ${desired.type} host key ${desired.path}`] };
  if (desired.type === 'rsa' && current.bits !== undefined && current.bits < desired.minBits) {
    return {
      actions: generate,
      changes: [
        `replace the ${current.bits}-bit RSA host key ${desired.path} with a ${desired.bits}-bit one (its fingerprint changes)`,
      ],
    };
  }
  return noChange();
}

/** A new key generated in a temporary folder beside the old one, then moved into place. */
function generateAction({ type, bits, path }: SshHostKeyDesired) {
  const size = type === 'rsa' ? sh`-b ${bits}` : raw('');
  return run(
    sh`set -e
dir=$(mktemp -d /etc/ssh/.bosun-host-key.XXXXXX)
trap 'rm -rf "$dir"' EXIT
ssh-keygen -q -t ${type} ${size} -N '' -f "$dir/key"
mv -f "$dir/key.pub" ${`${path}.pub`}
mv -f "$dir/key" ${path}`,
    `generating host key ${path}`,
    'SSH_HOST_KEY_FAILED',
  );
}
