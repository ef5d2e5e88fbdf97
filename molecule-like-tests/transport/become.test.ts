import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { OptionsError, TaskError } from '../../lib/errors.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect, type ConnectOptions } from '../../lib/transport/connect.js';
import { sh } from '../../lib/transport/shell.js';
import type { Transport } from '../../lib/transport/transport.js';
import { inventoryHost, noSshConfig } from './inventory-host.js';

/** Non-root users on a throwaway host: `deploy` sudoes without a password, `ops` with one, `intern` not at all. */
describe('become (sudo) on a throwaway host', function () {
  this.timeout(180_000);
  let host: ThrowawayHost;
  const opsPassword = `ops p@ss'"; $(rm -rf /) \\ end`;
  const internPassword = 'intern-Passw0rd';
  const secrets: Record<string, string> = {
    ops_sudo: opsPassword,
    wrong_sudo: 'not-the-password',
    intern_sudo: internPassword,
  };
  /** Every output and error message a test saw: none may show a password. */
  const seen: string[] = [];
  const opened: Transport[] = [];

  before(async () => {
    host = await ThrowawayHost.start({ name: 'transport-become' });
    const setup = await host.exec(
      [
        'set -e',
        'for user in deploy ops intern; do',
        '  useradd -m -s /bin/bash "$user"',
        '  install -d -m 700 -o "$user" -g "$user" "/home/$user/.ssh"',
        '  install -m 600 -o "$user" -g "$user" /root/.ssh/authorized_keys "/home/$user/.ssh/authorized_keys"',
        'done',
        String(sh`printf '%s\n' ${`ops:${opsPassword}`} ${`intern:${internPassword}`} | chpasswd`),
        "echo 'deploy ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/deploy",
        "echo 'ops ALL=(ALL) ALL' > /etc/sudoers.d/ops",
        'chmod 0440 /etc/sudoers.d/deploy /etc/sudoers.d/ops',
        'visudo -c',
      ].join('\n'),
    );
    assert.equal(setup.code, 0, setup.output);
  });
  after(async () => {
    for (const transport of opened) await transport.close();
    await host?.stop();
  });
  afterEach(() => {
    for (const text of seen) {
      for (const password of [opsPassword, internPassword]) {
        assert.ok(!text.includes(password), `a password was shown: ${text}`);
      }
    }
  });

  async function as(
    user: string,
    connection: { become?: boolean; becomePasswordSecret?: string } = {},
    extra: ConnectOptions = {},
  ) {
    const transport = await connect(inventoryHost(host, { user, become: false, ...connection }), {
      sshConfigFile: noSshConfig,
      knownHostsFile: host.knownHostsFile,
      resolveSecret: (name) => secrets[name],
      ...extra,
    });
    opened.push(transport);
    return transport;
  }
  async function run(transport: Transport, command: string, options: Parameters<Transport['exec']>[1] = {}) {
    const result = await transport.exec(command, options);
    seen.push(result.stdout, result.stderr);
    return result;
  }
  async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => assert.fail('expected a failure'),
      (caught: Error) => caught,
    );
    seen.push(error.message);
    return error;
  }

  it('sudoes without a password, per command or by default', async () => {
    const deploy = await as('deploy');
    assert.equal((await run(deploy, 'id -un')).stdout, 'deploy\n');
    assert.equal(
      (await run(deploy, 'id -un; echo "$HOME|$(pwd)|$X"', { become: true, cwd: '/etc', env: { X: 'x y' } }))
        .stdout,
      'root\n/root|/etc|x y\n',
    );
    const byDefault = await as('deploy', { become: true });
    assert.equal((await run(byDefault, 'id -un')).stdout, 'root\n');
    assert.equal((await run(byDefault, 'id -un', { become: false })).stdout, 'deploy\n');
  });

  it('uploads as root through sudo', async () => {
    const deploy = await as('deploy', { become: true });
    await deploy.upload('/etc/bosun-become.conf', 'owned by root\n', { mode: '0600' });
    assert.equal(
      (await host.exec('stat -c "%a %U" /etc/bosun-become.conf; cat /etc/bosun-become.conf')).output,
      '600 root\nowned by root\n',
    );
  });

  it('sudoes with the password from a secret, and the command gets only its own stdin', async () => {
    const ops = await as('ops', { becomePasswordSecret: 'ops_sudo' });
    const result = await run(ops, 'id -un; cat', { become: true, stdin: 'line one\nline two\n' });
    assert.deepEqual(result, { code: 0, stdout: 'root\nline one\nline two\n', stderr: '' });
    assert.equal((await run(ops, 'cat', { become: true })).stdout, '', 'no stdin given: nothing read');
    const streamed = await run(ops, 'cat', {
      become: true,
      stdin: Readable.from(['a stream ', 'after it\n']),
    });
    assert.deepEqual(streamed, { code: 0, stdout: 'a stream after it\n', stderr: '' });
    await ops.upload('/etc/bosun-ops.conf', 'from ops\n', { become: true, owner: 'root', mode: '0640' });
    assert.equal(
      (await host.exec('stat -c "%a %U" /etc/bosun-ops.conf; cat /etc/bosun-ops.conf')).output,
      '640 root\nfrom ops\n',
    );
  });

  it('sends no password where sudo asks for none: it never becomes the command input', async () => {
    const deploy = await as('deploy', { becomePasswordSecret: 'ops_sudo' });
    const result = await run(deploy, 'cat', { become: true, stdin: 'only this' });
    assert.equal(result.stdout, 'only this');
  });

  it('fails clearly on a wrong password, naming the secret, never showing the password', async () => {
    const ops = await as('ops', { becomePasswordSecret: 'wrong_sudo' });
    const error = await failure(run(ops, 'id -u', { become: true }));
    assert.ok(error instanceof TaskError && error.code === 'BECOME_FAILED', error.message);
    assert.ok(
      error.message.startsWith('transport-become: sudo refused the password from secret "wrong_sudo"'),
      error.message,
    );
    assert.match(error.message, /incorrect password|Sorry, try again/);
    assert.ok(!error.message.includes(secrets.wrong_sudo));
    assert.equal((await run(ops, 'id -un')).stdout, 'ops\n', 'the connection is still usable without sudo');
    const again = await failure(run(ops, 'true', { become: true }));
    assert.equal(again.message, error.message, 'sudo is not asked again');
  });

  it('reports a user who may not sudo at all', async () => {
    const intern = await as('intern', { becomePasswordSecret: 'intern_sudo' });
    const error = await failure(run(intern, 'id -u', { become: true }));
    assert.ok(error instanceof TaskError && error.code === 'BECOME_FAILED');
    assert.match(error.message, /intern is not in the sudoers file/);
  });

  it('fails at once, without hanging, when sudo wants a password and none is configured', async () => {
    const ops = await as('ops');
    const result = await run(ops, 'id -u', { become: true, timeoutMs: 10_000 });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /sudo: a password is required/);
  });

  it('masks the password in anything a command prints', async () => {
    const ops = await as('ops', { becomePasswordSecret: 'ops_sudo' });
    const result = await run(ops, 'printf "%s" "$P"; printf "%s" "$P" >&2', { env: { P: opsPassword } });
    assert.deepEqual(result, { code: 0, stdout: '********', stderr: '********' });
  });

  it('needs a way to resolve the secret', async () => {
    const error = await failure(
      as('ops', { becomePasswordSecret: 'ops_sudo' }, { resolveSecret: undefined }),
    );
    assert.ok(error instanceof OptionsError && error.code === 'BECOME_SECRET_UNAVAILABLE', error.message);
    assert.match(error.message, /^transport-become: the sudo password is the secret "ops_sudo"/);
  });
});
