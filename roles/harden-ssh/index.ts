import {
  defineRole,
  directory,
  file,
  guarded,
  moduli,
  sshHostKey,
  task,
  type RollbackGuard,
} from '../../lib/index.js';
import { confirmSshdAccess } from './confirm-sshd-access.js';
import { cryptoDefaults } from './crypto-defaults.js';
import { socketDropInDir, socketDropInPath, socketListenDropIn } from './socket-listen.js';
import { bannerPath, dropInPath, hostKeyPath, renderDropIn } from './sshd-drop-in.js';
import { dropInValidateCommand } from './validate-drop-in.js';
import { sshdPrecheck } from './sshd-precheck.js';
import { restartSshd, sshdRestartCommand } from './sshd-restart.js';
import { sshdFact, type SshdFacts } from './sshd-fact.js';
import { hardenSshVariables } from './variables.js';

export { hardenSshVariables, type HardenSshVariables } from './variables.js';

const moduliPath = '/etc/ssh/moduli';
const restart = 'restart sshd';
const confirm = 'confirm sshd access';

/**
 * harden-ssh: sshd settings as a drop-in that sorts first in sshd_config.d, modern algorithms for the host's
 * OpenSSH, small DH moduli removed, ed25519 and RSA >= 3072 host keys, and the ports right with socket
 * activation too. A first task refuses, before any change, settings that would lock out the connecting user,
 * that the host's sshd rejects (`sshd -t` on the planned configuration), or that another file would override.
 * Every change is guarded by a host-side rollback timer that only a fresh login with the new settings cancels.
 * See docs/roles/harden-ssh.md.
 */
export const hardenSsh = defineRole({
  name: 'harden-ssh',
  variables: hardenSshVariables,
  facts: [sshdFact],
  tasks(vars, { fact }) {
    const sshd = fact(sshdFact);
    const dropIn = renderDropIn(vars, cryptoDefaults(sshd.version));
    const guard = sshdGuard(vars.hostKeys, vars.rollbackTimeoutSeconds, sshd);
    const changes = { notify: [restart, confirm] };
    const socket = sshd.socketActivated;
    return [
      task(
        'sshd: refuse settings that would lock out, be rejected or be overridden',
        sshdPrecheck({ dropIn, policy: vars }, sshd),
      ),
      ...vars.hostKeys.map((type) =>
        task(
          `sshd host key ${type}`,
          guarded(sshHostKey({ type, minBits: 3072, bits: 4096 }), guard),
          changes,
        ),
      ),
      task(
        'remove Diffie-Hellman moduli under 3072 bits',
        guarded(moduli({ path: moduliPath, minBits: 3072 }), guard),
        {
          ...changes,
          when: vars.removeSmallModuli,
        },
      ),
      task(
        `sshd settings in ${dropInPath}`,
        guarded(
          file({ path: dropInPath, content: dropIn.content, mode: '0644', validate: dropInValidateCommand }),
          guard,
        ),
        changes,
      ),
      task('login banner', file({ path: bannerPath, content: `${vars.banner ?? ''}\n`, mode: '0644' }), {
        when: vars.banner !== undefined,
      }),
      ...(socket
        ? [
            task(
              `${sshd.service}.socket drop-in folder`,
              guarded(directory({ path: socketDropInDir(sshd.service) }), guard),
              changes,
            ),
            task(
              `${sshd.service}.socket listens on the ports`,
              guarded(
                file({
                  path: socketDropInPath(sshd.service),
                  content: socketListenDropIn(vars.ports),
                  mode: '0644',
                }),
                guard,
              ),
              changes,
            ),
          ]
        : [
            // Left from a time the host used ssh.socket: inert now, so no guard or restart is needed.
            task(
              `no ${sshd.service}.socket drop-in without socket activation`,
              file({ path: socketDropInPath(sshd.service), state: 'absent' }),
            ),
          ]),
    ];
  },
  handlers(vars, { fact }) {
    const sshd = fact(sshdFact);
    const guard = sshdGuard(vars.hostKeys, vars.rollbackTimeoutSeconds, sshd);
    return {
      [restart]: restartSshd(guard, sshd),
      [confirm]: confirmSshdAccess({ guard, ports: vars.ports, confirmPort: vars.confirmPort }),
    };
  },
});

/**
 * The commit-confirm guard of every sshd change: the files the role touches are snapshotted before the
 * first change, and restored, then made live the way this host runs sshd, unless a fresh login confirms.
 */
function sshdGuard(hostKeys: string[], timeoutSeconds: number, sshd: SshdFacts): RollbackGuard {
  return {
    id: 'harden-ssh',
    paths: [
      dropInPath,
      moduliPath,
      ...hostKeys.flatMap((type) => [hostKeyPath(type), `${hostKeyPath(type)}.pub`]),
      ...(sshd.socketActivated ? [socketDropInDir(sshd.service), socketDropInPath(sshd.service)] : []),
    ],
    restore: sshdRestartCommand(sshd),
    timeoutSeconds,
  };
}
