import {
  checkExit,
  loginSessionScript,
  parseKeyValues,
  parseLoginSession,
  TaskError,
  type Check,
  type Verdict,
} from '../../lib/index.js';
import type { SshdFacts } from './sshd-fact.js';
import { accessProblems, type Account, type AccessPolicy, type AccessState } from './access-check.js';
import { dropInDir, dropInPath, type RenderedDropIn } from './sshd-drop-in.js';
import {
  explainSshdTest,
  layoutProblems,
  mainConfigPath,
  plannedConfig,
  type SshdLayout,
} from './sshd-layout.js';

/** What the check read on the host, and what `sshd -t` said of the planned configuration. */
export interface SshdPrecheckState {
  host: string;
  layout: SshdLayout;
  access: AccessState;
  /** `sshd -t` output when it rejected the planned configuration (undefined: accepted or not run). */
  rejected?: string;
}

export interface SshdPrecheckDesired {
  dropIn: RenderedDropIn;
  policy: AccessPolicy;
}

const sshd = '/usr/sbin/sshd';

const probeScript = [
  loginSessionScript,
  'if [ -n "$login_user" ]; then echo "login.groups=$(id -Gn -- "$login_user" | tr \' \' ,)"; fi',
  // Who has a key today, where AuthorizedKeysFile says keys are (%h, %u, relative to the home).
  `ak=$(${sshd} -T 2>/dev/null | sed -n 's/^authorizedkeysfile //p')`,
  `[ -n "$ak" ] || ak='.ssh/authorized_keys .ssh/authorized_keys2'`,
  'getent passwd | while IFS=: read -r name _ _ _ _ home shell; do',
  `  case "$shell" in */nologin|*/false|'') continue ;; esac`,
  '  for f in $ak; do',
  '    [ "$f" = none ] && continue',
  `    p=$(printf '%s\\n' "$f" | sed -e "s|%h|$home|g" -e "s|%u|$name|g" -e 's|%%|%|g')`,
  '    case "$p" in /*) ;; *) p="$home/$p" ;; esac',
  `    if [ -f "$p" ] && grep -qvE '^[[:space:]]*(#|$)' "$p"; then`,
  `      echo "keyuser.$name=$(id -Gn -- "$name" | tr ' ' ,)"; break`,
  '    fi',
  '  done',
  'done',
  `printf 'main='; base64 -w0 < ${mainConfigPath} 2>/dev/null; echo`,
  `printf 'ours='; base64 -w0 < ${dropInPath} 2>/dev/null; echo`,
  'i=0',
  `for f in ${dropInDir}/*.conf; do`,
  `  if [ ! -f "$f" ] || [ "$f" = ${dropInPath} ]; then continue; fi`,
  '  i=$((i + 1))',
  `  printf 'dropin.%s=%s ' "$i" "$(basename -- "$f" | base64 -w0)"; base64 -w0 < "$f"; echo`,
  'done',
  'exit 0',
].join('\n');

const groupsOf = (text: string | undefined) => (text ? text.split(',').filter(Boolean) : []);
const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
const base64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * The first task of harden-ssh, a check before any change: refuses (with every reason, and nothing changed)
 * settings that would lock the connecting user out, a layout where the drop-in would not decide its
 * settings, and settings that the host's sshd rejects. Its probe script goes with the role's others; a
 * follow-up then runs `sshd -t -f /dev/stdin` on the whole planned configuration built from what it read
 * (nothing is written, so check mode runs it too), unless the drop-in on the host is already the planned
 * one: then the configuration does not change, sshd runs it now, and a no-op run needs no second round trip.
 */
export function sshdPrecheck(desired: SshdPrecheckDesired, sshdFacts: SshdFacts): Check<SshdPrecheckState> {
  return {
    kind: 'sshd-precheck',
    id: dropInPath,
    probe(ctx) {
      const { facts, transport } = ctx;
      const unmet = [
        facts.isRoot ? undefined : 'it needs root: connect as root or set become',
        facts.init === 'systemd' ? undefined : 'it needs systemd to restart sshd',
        sshdFacts.service ? undefined : 'no ssh or sshd unit is installed (openssh-server)',
      ].filter(Boolean);
      if (unmet.length > 0)
        throw new TaskError(
          'SSHD_PRECONDITION',
          `${transport.hostName}: harden-ssh cannot run: ${unmet.join('; ')}.`,
        );
      let unchanged = false;
      return {
        script: probeScript,
        parse: (result) => {
          const { stdout } = checkExit(
            transport.hostName,
            result,
            'reading the sshd configuration and logins',
            {
              code: 'PROBE_FAILED',
            },
          );
          unchanged = parseKeyValues(stdout).get('ours') === base64(desired.dropIn.content);
          return parseSshdHost(transport.hostName, stdout);
        },
        followUp: async (state) => {
          const planned = unchanged ? undefined : plannedConfig(state.layout, desired.dropIn.content);
          if (!planned) return state;
          const test = await transport.exec(`${sshd} -t -f /dev/stdin`, { stdin: planned.text });
          if (test.code === 0) return state;
          return {
            ...state,
            rejected: explainSshdTest(test.stderr || test.stdout || `exit ${test.code}`, planned),
          };
        },
      };
    },
    verify: (current) => verifySshdPrecheck(current, desired),
  };
}

/** The logins and sshd's files, from what the first probe script printed. */
export function parseSshdHost(host: string, output: string): SshdPrecheckState {
  const values = parseKeyValues(output);
  const session = parseLoginSession(values);
  const keyUsers: Account[] = [...values]
    .filter(([key]) => key.startsWith('keyuser.'))
    .map(([key, groups]) => ({ name: key.slice('keyuser.'.length), groups: groupsOf(groups) }));
  const layout: SshdLayout = {
    main: decode(values.get('main') ?? ''),
    dropIns: [...values]
      .filter(([key]) => key.startsWith('dropin.'))
      .map(([, value]) => {
        const [name, content] = value.split(' ');
        return { name: decode(name), content: decode(content ?? '') };
      }),
  };
  return {
    host,
    layout,
    access: {
      login: session && { name: session.user, groups: groupsOf(values.get('login.groups')) },
      keyUsers,
    },
  };
}

/** Passes, or fails with one message listing every reason to refuse the settings. Pure. */
export function verifySshdPrecheck(current: SshdPrecheckState, desired: SshdPrecheckDesired): Verdict {
  const problems = [
    ...accessProblems(current.access, desired.policy),
    ...desired.dropIn.problems,
    ...layoutProblems(current.layout, desired.dropIn.keywords),
    ...(current.rejected
      ? [`sshd -t rejects the planned configuration:\n    ${current.rejected.replaceAll('\n', '\n    ')}`]
      : []),
  ];
  if (problems.length === 0) return { passed: true };
  return {
    passed: false,
    message: `${current.host}: harden-ssh refuses these sshd settings; nothing was changed:\n  - ${problems.join('\n  - ')}`,
  };
}
