import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import ssh2 from 'ssh2';
import { TaskError, UnreachableError } from '../../lib/errors.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect, type ConnectOptions } from '../../lib/transport/connect.js';
import type { Transport } from '../../lib/transport/transport.js';
import { inventoryHost, noSshConfig } from './inventory-host.js';
import { TcpProxy } from './tcp-proxy.js';

describe('SSH transport on a throwaway host: exec, upload, auth, faults', function () {
  this.timeout(180_000);
  let host: ThrowawayHost;
  let transport: Transport;
  let dir: string;
  let options: ConnectOptions;

  before(async () => {
    host = await ThrowawayHost.start({ name: 'transport-exec' });
    dir = await mkdtemp(join(tmpdir(), 'bosun-transport-exec-'));
    options = { sshConfigFile: noSshConfig, knownHostsFile: host.knownHostsFile };
    transport = await connect(inventoryHost(host), options);
  });
  after(async () => {
    await transport?.close();
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('exec', () => {
    it('passes stdin, env and cwd, and returns code, stdout and stderr', async () => {
      const result = await transport.exec('read line; echo "$line|$A|$B|$(pwd)"; echo warn >&2; exit 7', {
        stdin: 'first line\nsecond\n',
        env: { A: "it's; rm -rf / #", B: '$(touch /tmp/pwned)' },
        cwd: '/usr/share',
      });
      assert.deepEqual(result, {
        code: 7,
        stdout: "first line|it's; rm -rf / #|$(touch /tmp/pwned)|/usr/share\n",
        stderr: 'warn\n',
      });
      assert.equal((await host.exec('test -e /tmp/pwned')).code, 1);
    });

    it('fails a command in a missing cwd instead of running it elsewhere', async () => {
      const result = await transport.exec('touch here', { cwd: '/nonexistent' });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /nonexistent/);
      assert.equal((await host.exec('test -e /root/here')).code, 1);
    });

    it('moves a megabyte of binary stdin and stdout intact', async () => {
      const data = randomBytes(1024 * 1024);
      const result = await transport.exec('sha256sum | cut -d" " -f1', { stdin: data });
      assert.equal(result.stdout.trim(), createHash('sha256').update(data).digest('hex'));
      const big = await transport.exec(`perl -e 'print "\\xc3\\xa9" x 1500000'`);
      assert.equal(big.stdout.length, 1_500_000, 'é is two bytes: no character split between chunks');
      assert.match(big.stdout, /^é+$/);
    });

    it('streams a stdin larger than any buffer, read as it goes, and counts its bytes', async () => {
      const chunk = randomBytes(1024 * 1024);
      let made = 0;
      // 64 MiB made on demand: a stream the transport must pull, with back-pressure, to the end.
      const source = new Readable({
        read() {
          made += 1;
          this.push(made <= 64 ? chunk : null);
        },
      });
      const expected = createHash('sha256');
      for (let i = 0; i < 64; i += 1) expected.update(chunk);
      const sentBefore = transport.counters.bytesSent;
      const result = await transport.exec('sha256sum | cut -d" " -f1', { stdin: source, timeoutMs: 120_000 });
      assert.equal(result.stdout.trim(), expected.digest('hex'));
      assert.ok(transport.counters.bytesSent - sentBefore >= 64 * 1024 * 1024);
    });

    it('stops reading a stdin stream when the command exits without reading it', async () => {
      let reads = 0;
      const endless = new Readable({
        read() {
          reads += 1;
          this.push(Buffer.alloc(64 * 1024));
        },
      });
      const result = await transport.exec('head -c 1000 >/dev/null; echo done', { stdin: endless });
      assert.deepEqual(result, { code: 0, stdout: 'done\n', stderr: '' });
      assert.ok(endless.destroyed, 'the stream was not stopped');
      const readsAtExit = reads;
      await delay(200);
      assert.equal(reads, readsAtExit, 'the stream was still read after the command exited');
    });

    it('kills a command and its children at its timeout: exit 124, and they do not go on', async () => {
      const started = Date.now();
      const result = await transport.exec(
        '(sleep 4; touch /tmp/child-went-on) & sleep 4; touch /tmp/command-went-on',
        { timeoutMs: 300 },
      );
      assert.equal(result.code, 124);
      assert.match(result.stderr, /timed out after 300 ms/);
      assert.ok(Date.now() - started < 2_500, 'the timeout waited for the command');
      await delay(4_000);
      assert.equal((await host.exec('ls /tmp | grep -c went-on')).output.trim(), '0', 'the command went on');
      assert.equal((await transport.exec('echo still usable')).stdout, 'still usable\n');
    });

    it('reports a command killed by a signal as 128 + its number', async () => {
      assert.equal((await transport.exec('kill -KILL $$')).code, 137);
    });
  });

  describe('upload', () => {
    it('writes atomically with mode and owner, leaving no temporary file', async () => {
      await transport.upload('/etc/bosun-upload.conf', 'a = 1\n', {
        mode: '0640',
        owner: 'nobody',
        group: 'nogroup',
      });
      assert.equal((await host.exec('cat /etc/bosun-upload.conf')).output, 'a = 1\n');
      assert.equal(
        (await host.exec('stat -c "%a %U %G" /etc/bosun-upload.conf')).output.trim(),
        '640 nobody nogroup',
      );
      assert.equal((await host.exec('ls -a /etc | grep -c bosun-upload')).output.trim(), '1');
    });

    it('keeps mode and owner of the file it replaces and backs it up', async () => {
      const { backupPath } = await transport.upload('/etc/bosun-upload.conf', 'a = 2\n', { backup: true });
      assert.ok(backupPath?.startsWith('/etc/bosun-upload.conf.'), backupPath);
      assert.equal((await host.exec(`cat '${backupPath}'`)).output, 'a = 1\n');
      assert.equal(
        (await host.exec('stat -c "%a %U %G" /etc/bosun-upload.conf')).output.trim(),
        '640 nobody nogroup',
      );
    });

    it('keeps the old file when validate refuses the new one', async () => {
      await host.exec('cp /etc/ssh/sshd_config /tmp/sshd_config.before');
      await assert.rejects(
        transport.upload('/etc/ssh/sshd_config', 'Port banana\n', { validate: '/usr/sbin/sshd -t -f %s' }),
        (error: TaskError) =>
          error instanceof TaskError &&
          error.code === 'UPLOAD_FAILED' &&
          error.message.startsWith(
            'transport-exec: cannot write /etc/ssh/sshd_config, the old file is unchanged:',
          ) &&
          error.message.includes('Badly formatted port number'),
      );
      assert.equal((await host.exec('cmp /etc/ssh/sshd_config /tmp/sshd_config.before')).code, 0);
      assert.equal((await host.exec('ls -a /etc/ssh | grep -c bosun-upload')).output.trim(), '0');
    });
  });

  describe('one connection', () => {
    it('runs 50 commands, 20 at a time, over exactly one connection', async () => {
      const own = await connect(inventoryHost(host), options);
      try {
        for (let batch = 0; batch < 50; batch += 20) {
          const results = await Promise.all(
            Array.from({ length: Math.min(20, 50 - batch) }, (_, i) => own.exec(`echo ${batch + i}`)),
          );
          results.forEach((result, i) => assert.equal(result.stdout, `${batch + i}\n`));
        }
        const sessions = await host.exec("ss -Htn state established '( sport = :22 )' | wc -l");
        assert.equal(own.counters.connectionsOpened, 1);
        assert.equal(own.counters.commands, 50);
        assert.equal(Number(sessions.output.trim()), 2, 'the host sees this connection and the shared one');
        assert.ok(own.counters.bytesSent > 50 * 'echo 0'.length);
        assert.ok(own.counters.bytesReceived >= 50 * 2);
      } finally {
        await own.close();
      }
    });
  });

  describe('authentication', () => {
    let agent: ChildProcess | undefined;
    const savedAgent = process.env.SSH_AUTH_SOCK;
    after(() => {
      agent?.kill();
      if (savedAgent === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = savedAgent;
    });

    it('names the inventory host and path of a missing key file', async () => {
      const missing = join(dir, 'no-such-key');
      await assert.rejects(
        connect(inventoryHost(host, { privateKeyFile: missing }), options),
        (error: UnreachableError) =>
          error instanceof UnreachableError &&
          error.code === 'SSH_KEY_FILE_UNUSABLE' &&
          error.message.startsWith('transport-exec: ') &&
          error.message.includes(`${missing} (bosun_private_key_file) does not exist`),
      );
    });

    it('fails authentication clearly, naming host, user and the key tried', async () => {
      const wrongKey = join(dir, 'wrong-key');
      await writeFile(wrongKey, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
      delete process.env.SSH_AUTH_SOCK;
      await assert.rejects(
        connect(inventoryHost(host, { privateKeyFile: wrongKey }), options),
        (error: UnreachableError) =>
          error instanceof UnreachableError &&
          error.code === 'SSH_AUTH_FAILED' &&
          error.message.startsWith(
            `transport-exec: SSH authentication failed for root@127.0.0.1:${host.port};`,
          ) &&
          error.message.includes(`tried the key ${wrongKey}`),
      );
      await assert.rejects(
        connect(inventoryHost(host, { user: 'nosuchuser' }), options),
        (error: UnreachableError) =>
          error.code === 'SSH_AUTH_FAILED' && error.message.includes(`nosuchuser@127.0.0.1:${host.port}`),
      );
    });

    it('uses the SSH agent without a key file, and after a key file that fails', async () => {
      const socket = join(dir, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      for (let i = 0; i < 50 && !existsSync(socket); i++) await delay(100);
      execFileSync('ssh-add', [host.privateKeyFile], { env: { SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = socket;

      const viaAgent = await connect(inventoryHost(host, { privateKeyFile: undefined }), options);
      assert.equal((await viaAgent.exec('echo agent')).stdout, 'agent\n');
      await viaAgent.close();

      const wrongKey = join(dir, 'wrong-key');
      const keyThenAgent = await connect(inventoryHost(host, { privateKeyFile: wrongKey }), options);
      assert.equal((await keyThenAgent.exec('echo agent after key')).stdout, 'agent after key\n');
      await keyThenAgent.close();
    });
  });

  describe('network faults', () => {
    let proxy: TcpProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });
    const throughProxy = (port: number) => inventoryHost(host, { port });
    // The proxy listens on another port: the same host keys, recorded under the proxy's name.
    async function knownHostsFor(port: number): Promise<string> {
      const file = join(dir, `known_hosts_${port}`);
      const keys = (await host.exec('cat /etc/ssh/ssh_host_*_key.pub')).output.trim().split('\n');
      await writeFile(file, keys.map((key) => `[127.0.0.1]:${port} ${key}\n`).join(''));
      return file;
    }

    it('retries once when the first connection is reset', async () => {
      proxy = await TcpProxy.start(host.port, (index) => (index === 0 ? 'reset' : 'forward'));
      const retried = await connect(throughProxy(proxy.port), {
        ...options,
        knownHostsFile: await knownHostsFor(proxy.port),
      });
      assert.equal((await retried.exec('echo ok')).stdout, 'ok\n');
      assert.equal(proxy.accepted, 2);
      assert.equal(retried.counters.connectionsOpened, 1, 'the failed attempt opened nothing');
      await retried.close();
    });

    it('gives up after one retry on a server that never answers, naming the timeout', async () => {
      proxy = await TcpProxy.start(host.port, () => 'silent');
      const started = Date.now();
      await assert.rejects(
        connect(throughProxy(proxy.port), { ...options, connectTimeoutMs: 500 }),
        (error: UnreachableError) =>
          error.code === 'SSH_CONNECT_FAILED' &&
          error.message.includes('no SSH handshake within 500 ms') &&
          error.message.includes('also on a second attempt'),
      );
      assert.equal(proxy.accepted, 2);
      assert.ok(Date.now() - started < 5_000);
    });

    it('never retries an authentication failure', async () => {
      proxy = await TcpProxy.start(host.port, () => 'forward');
      delete process.env.SSH_AUTH_SOCK;
      await assert.rejects(
        connect(inventoryHost(host, { port: proxy.port, user: 'nosuchuser' }), {
          ...options,
          knownHostsFile: await knownHostsFor(proxy.port),
        }),
        (error: UnreachableError) => error.code === 'SSH_AUTH_FAILED',
      );
      assert.equal(proxy.accepted, 1);
    });

    it('reports a connection refused after one retry', async () => {
      proxy = await TcpProxy.start(host.port, () => 'forward');
      const port = proxy.port;
      await proxy.close();
      proxy = undefined;
      await assert.rejects(
        connect(throughProxy(port), options),
        (error: UnreachableError) =>
          error.code === 'SSH_CONNECT_FAILED' &&
          error.message.includes('ECONNREFUSED') &&
          error.message.includes('also on a second attempt'),
      );
    });

    it('notices a dead link by keepalive and fails the next command as unreachable', async () => {
      proxy = await TcpProxy.start(host.port, () => 'forward');
      const live = await connect(throughProxy(proxy.port), {
        ...options,
        knownHostsFile: await knownHostsFor(proxy.port),
        keepaliveIntervalMs: 200,
      });
      assert.equal((await live.exec('echo up')).stdout, 'up\n');
      proxy.pause();
      await delay(1_500);
      await assert.rejects(
        live.exec('echo down'),
        (error: UnreachableError) =>
          error instanceof UnreachableError &&
          error.code === 'SSH_CONNECTION_LOST' &&
          /Keepalive timeout/i.test(error.message),
      );
      await live.close();
    });

    it('fails a running command as unreachable when the connection drops', async () => {
      proxy = await TcpProxy.start(host.port, () => 'forward');
      const live = await connect(throughProxy(proxy.port), {
        ...options,
        knownHostsFile: await knownHostsFor(proxy.port),
      });
      const running = live.exec('sleep 5');
      await delay(300);
      proxy.resetAll();
      await assert.rejects(running, (error: UnreachableError) => error.code === 'SSH_CONNECTION_LOST');
      await live.close();
    });
  });
});
