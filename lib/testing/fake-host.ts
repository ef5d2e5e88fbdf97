import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pendingHandlersFolder } from '../engine/pending-handlers.js';
import { LocalTransport } from '../transport/local-transport.js';
import type { ExecOptions, ExecResult, Transport, UploadOptions } from '../transport/transport.js';

/**
 * A host for in-process engine tests: commands run in a local shell, and Bosun's own state folder
 * (pending-handler markers) lives in a temporary folder instead of /var/lib. Records every command, and
 * can be told to fail the commands that match a pattern.
 */
export class FakeHost {
  readonly root = mkdtempSync(join(tmpdir(), 'bosun-fake-host-'));
  readonly commands: string[] = [];
  private failing?: { pattern: RegExp; result: ExecResult };

  constructor(readonly name: string) {}

  /** Commands matching `pattern` fail with this result from now on, without running. */
  fail(pattern: RegExp, result: ExecResult = { code: 1, stdout: '', stderr: 'Permission denied' }): void {
    this.failing = { pattern, result };
  }

  /** A path inside the host's root. */
  path(name: string): string {
    return join(this.root, name);
  }

  connect(): Transport {
    const local = new LocalTransport(this.name);
    const onHost = (command: string) =>
      command.replaceAll(pendingHandlersFolder, this.path('pending-handlers'));
    return {
      hostName: this.name,
      counters: local.counters,
      exec: async (command: string, options?: ExecOptions) => {
        this.commands.push(command);
        if (this.failing?.pattern.test(command)) {
          local.counters.commands += 1;
          return this.failing.result;
        }
        return local.exec(onHost(command), options);
      },
      upload: (path: string, content: string | Buffer, options?: UploadOptions) => {
        this.commands.push(`upload ${path}`);
        return local.upload(path, content, options);
      },
      close: () => local.close(),
    };
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
