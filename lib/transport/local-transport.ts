import { spawn } from 'node:child_process';
import { TaskError } from '../errors.js';
import { ShellTransport, type BecomeSettings, type RunResult } from './shell-transport.js';
import { sendStdin, type Stdin } from './stdin.js';

/** The control machine itself (`connection: local`): the same commands, run by /bin/sh, no connection. */
export class LocalTransport extends ShellTransport {
  constructor(hostName: string, become: BecomeSettings = { enabled: false }) {
    // The control machine may lack coreutils `timeout` (macOS): the transport kills the process group itself.
    super(hostName, become, false);
  }

  protected run(command: string, stdin: Stdin | undefined, timeoutMs?: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      // Its own process group, so that a timeout kills the command's children too.
      const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: 'pipe' });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              try {
                if (child.pid) process.kill(-child.pid, 'SIGKILL');
              } catch {
                // The group is already gone.
              }
            }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      // A command that does not read its input closes the pipe early; that is not an error.
      child.stdin.on('error', () => undefined);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new TaskError('LOCAL_EXEC_FAILED', `${this.hostName}: cannot run /bin/sh: ${error.message}`));
      });
      const input = sendStdin(stdin, child.stdin);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        input.stop();
        resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), timedOut });
      });
    });
  }

  async close(): Promise<void> {}
}
