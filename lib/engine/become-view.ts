import type { ExecOptions, Transport, UploadOptions } from '../transport/transport.js';
import type { HostSession } from './host-session.js';

/**
 * The host's current connection, seen with a play's `become` as the default for every command. It reads
 * the session's connection on each call because a guard may move the host to a fresh connection mid-run.
 */
export function hostTransport(session: HostSession, become: boolean | undefined): Transport {
  const current = () => session.transport!;
  return {
    hostName: session.host.name,
    get counters() {
      return session.counters();
    },
    exec: (command: string, options: ExecOptions = {}) =>
      current().exec(command, become === undefined ? options : { become, ...options }),
    upload: (path: string, content: string | Buffer, options: UploadOptions = {}) =>
      current().upload(path, content, become === undefined ? options : { become, ...options }),
    close: () => current().close(),
  };
}
