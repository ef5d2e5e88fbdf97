import { OptionsError } from '../errors.js';

export interface JumpHost {
  /** The hop as written, for messages. */
  spec: string;
  host: string;
  user?: string;
  port?: number;
}

/**
 * Parses a ProxyJump value (ssh's `-J`): hops separated by commas, each `[user@]host[:port]`, an IPv6 address
 * in brackets (`[::1]:2222`), or `ssh://[user@]host[:port]`. `source` names where the value came from.
 */
export function parseProxyJump(value: string, source: string): JumpHost[] {
  return value.split(',').map((spec) => {
    const match = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(?:\[([^\]\s]+)\]|([^:@\s[\]]+))(?::(\d+))?$/.exec(
      spec.trim(),
    );
    const port = match?.[4] === undefined ? undefined : Number(match[4]);
    if (!match || (port !== undefined && (port < 1 || port > 65535))) {
      throw new OptionsError(
        'PROXY_JUMP_INVALID',
        `${source}: ProxyJump hop "${spec}" is not [user@]host[:port] (several hops are separated by commas).`,
      );
    }
    return { spec: spec.trim(), user: match[1], host: match[2] ?? match[3], port };
  });
}
