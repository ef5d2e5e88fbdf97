import { TaskError } from '../../errors.js';
import { loginSessionScript } from '../../facts/login-session.js';
import { parseTupleLine, type UfwTuple } from './ufw-rule.js';

export type UfwPolicy = 'allow' | 'deny' | 'reject';
export type UfwLogLevel = 'off' | 'low' | 'medium' | 'high' | 'full';

/** What the host's ufw is: its files (/etc/default/ufw, /etc/ufw/*.conf and *.rules) and whether it runs. */
export interface UfwState {
  /** The ufw command exists. When it does not, the rest are ufw's package defaults. */
  installed: boolean;
  /** `ufw status` says active: the rules are live. */
  active: boolean;
  /** IPV6=yes in /etc/default/ufw: rules for every address go to ip6tables as well. */
  ipv6: boolean;
  defaults: { incoming: string; outgoing: string; routed: string };
  logging: string;
  /** The rules of user.rules (4) and user6.rules (6), in the order ufw applies them. */
  rules: Record<4 | 6, UfwTuple[]>;
  /** Bosun runs as root on the host (facts): ufw's commands need it. */
  asRoot: boolean;
  /** This SSH session as the host sees it (`SSH_CONNECTION`), when it can tell. */
  session?: { client: string; server: string; port: number };
}

/**
 * The probe, one round trip and read-only: ufw's files, `ufw status`, and `SSH_CONNECTION` of this
 * session. Through sudo the variable is gone from the environment, so the script looks for it in the
 * environment of the processes above it (root may read them), up to the login shell sshd started.
 */
export const ufwProbeScript = String.raw`PATH="$PATH:/usr/sbin:/sbin"
if command -v ufw >/dev/null 2>&1; then echo installed=1; fi
for f in /etc/default/ufw /etc/ufw/ufw.conf /etc/ufw/user.rules /etc/ufw/user6.rules; do
  if [ -e "$f" ] && [ ! -r "$f" ]; then echo "unreadable=$f"; fi
done
[ -r /etc/default/ufw ] && grep -E '^(IPV6|DEFAULT_INPUT_POLICY|DEFAULT_OUTPUT_POLICY|DEFAULT_FORWARD_POLICY)=' /etc/default/ufw
[ -r /etc/ufw/ufw.conf ] && grep -E '^(ENABLED|LOGLEVEL)=' /etc/ufw/ufw.conf
[ -r /etc/ufw/user.rules ] && sed -n 's/^### tuple ###/tuple4=&/p' /etc/ufw/user.rules
[ -r /etc/ufw/user6.rules ] && sed -n 's/^### tuple ###/tuple6=&/p' /etc/ufw/user6.rules
if command -v ufw >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then echo "status=$(ufw status 2>&1 | head -n 1)"; fi
${loginSessionScript}
exit 0
`;

const policies: Record<string, string> = { DROP: 'deny', ACCEPT: 'allow', REJECT: 'reject' };

/** Reads the probe's output; throws when a file of ufw exists but cannot be read (not root). */
export function parseUfwState(output: string): Omit<UfwState, 'asRoot'> {
  const values = new Map<string, string>();
  const rules: UfwState['rules'] = { 4: [], 6: [] };
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const [key, value] = [line.slice(0, eq), line.slice(eq + 1).trim()];
    if (key === 'tuple4' || key === 'tuple6') {
      const tuple = parseTupleLine(value);
      if (tuple) rules[key === 'tuple4' ? 4 : 6].push(tuple);
    } else if (key === 'unreadable') {
      throw new TaskError(
        'UFW_UNREADABLE',
        `cannot read ${value}: ufw's files belong to root; connect as root or set become.`,
      );
    } else values.set(key, value.replace(/^"(.*)"$/, '$1'));
  }
  const policy = (key: string, fallback: string) => policies[values.get(key) ?? ''] ?? fallback;
  const session = /^(\S+) \d+ (\S+) (\d+)$/.exec(values.get('login.connection') ?? '');
  const ipv6 = (values.get('IPV6') ?? 'yes') === 'yes';
  // With IPV6=no ufw neither reads nor writes user6.rules: what is left there is not live.
  if (!ipv6) rules[6] = [];
  return {
    installed: values.has('installed'),
    active: values.get('status') === 'Status: active',
    ipv6,
    defaults: {
      incoming: policy('DEFAULT_INPUT_POLICY', 'deny'),
      outgoing: policy('DEFAULT_OUTPUT_POLICY', 'allow'),
      routed: policy('DEFAULT_FORWARD_POLICY', 'deny'),
    },
    logging: values.get('LOGLEVEL') ?? 'low',
    rules,
    ...(session ? { session: { client: session[1], server: session[2], port: Number(session[3]) } } : {}),
  };
}
