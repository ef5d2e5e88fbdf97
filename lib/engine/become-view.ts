import type { ExecOptions, Transport, UploadOptions } from '../transport/transport.js';

/** The host's one connection, seen with a play's `become` as the default for every command. */
export function withBecome(transport: Transport, become: boolean | undefined): Transport {
  if (become === undefined) return transport;
  return {
    hostName: transport.hostName,
    counters: transport.counters,
    exec: (command: string, options: ExecOptions = {}) => transport.exec(command, { become, ...options }),
    upload: (path: string, content: string | Buffer, options: UploadOptions = {}) =>
      transport.upload(path, content, { become, ...options }),
    close: () => transport.close(),
  };
}
