import assert from 'node:assert/strict';
import { playbook } from '../../lib/engine/playbook.js';
import { scenario } from '../../lib/testing/index.js';
import { fail2ban } from '../../roles/fail2ban/index.js';
import { ufw } from '../../roles/ufw/index.js';

// Use case A's fail2ban after its ufw, on a Debian 12 host that logs to journald only (its fail2ban
// package fails to start there as installed: the sshd jail finds no auth.log). sshd listens on 22 in the
// container; the rules also open 52231, where harden-ssh would move it.
const rules = [
  { rule: 'limit' as const, port: 22, comment: 'ssh' },
  { rule: 'limit' as const, port: 52231, comment: 'ssh after harden-ssh' },
  { rule: 'allow' as const, port: 80 },
  { rule: 'allow' as const, port: 443 },
];

scenario({
  name: 'fail2ban: use case A behind ufw (sshd from journald, recidive, nginx-limit-req)',
  playbook: playbook({
    name: 'fail2ban use case A',
    plays: [
      {
        name: 'security',
        hosts: 'all',
        roles: [
          ufw({ rules, sshPorts: [22, 52231], purge: true }),
          fail2ban({
            bantime: 3600,
            findtime: 600,
            maxretry: 3,
            sshd: { enabled: true, ports: [22, 52231], maxretry: 3, bantime: 7200 },
            nginx: {
              jails: ['nginx-limit-req'],
              errorLog: '/var/log/nginx/error.log',
              maxretry: 5,
              findtime: 60,
              docker: false,
            },
          }),
        ],
      },
    ],
  }),
  hosts: [{ name: 'f2b-a' }],
  verify: async (ctx) => {
    const host = ctx.host();
    const run = async (command: string) => {
      const result = await host.exec(command);
      assert.equal(result.code, 0, `${command}: ${result.output}`);
      return result.output;
    };
    const sshd = await run('fail2ban-client status sshd');
    console.log(`      fail2ban-client status sshd:\n${sshd.replace(/^/gm, '        ')}`);
    assert.match(sshd, /^Status for the jail: sshd$/m);
    // The systemd backend: the filter reads the journal, not a file.
    assert.match(sshd, /Journal matches:\s+_SYSTEMD_UNIT=sshd\.service \+ _COMM=sshd/);
    assert.doesNotMatch(sshd, /File list/);
    assert.equal((await run('fail2ban-client get sshd actions')).trim().split('\n').pop()?.trim(), 'ufw');
    assert.match(await run('fail2ban-client get sshd maxretry'), /^3$/m);
    assert.match(await run('fail2ban-client get sshd bantime'), /^7200$/m);
    assert.match(await run('fail2ban-client get recidive actions'), /ufw/);
    assert.match(await run('fail2ban-client get nginx-limit-req findtime'), /^60$/m);
    assert.match(await run('fail2ban-client get nginx-limit-req maxretry'), /^5$/m);
    assert.match(
      await run('fail2ban-client status'),
      /Jail list:\s+(?=.*sshd)(?=.*recidive)(?=.*nginx-limit-req)/,
    );
    assert.match(await run('stat -c "%a %U:%G" /var/log/nginx/error.log'), /^640 root:adm$/m);
    assert.equal(
      await run('systemctl is-enabled fail2ban; systemctl is-active fail2ban'),
      'enabled\nactive\n',
    );

    // A ban goes through ufw, and ufw's purge (the next run) leaves it alone.
    await run('fail2ban-client set sshd banip 203.0.113.7');
    assert.match(
      await run('ufw status'),
      /^Anywhere +REJECT +203\.0\.113\.7 +# by Fail2Ban after \d+ attempts against sshd$/m,
    );
    const again = await ctx.run();
    assert.deepEqual(
      again.result.tasks.filter((t) => t.status === 'changed').map((t) => t.task),
      [],
    );
    assert.match(await run('ufw status'), /203\.0\.113\.7/);
    await run('fail2ban-client set sshd unbanip 203.0.113.7');
    assert.doesNotMatch(await run('ufw status'), /203\.0\.113\.7/);

    // The converge started the fresh host's server with the new jail file: the reload handler had nothing
    // left to do, so the settle wait came once.
    const handler = ctx.runs.converge!.result.tasks.find((t) => t.task === 'reload fail2ban');
    assert.equal(handler?.status, 'ok');
    assert.equal(handler?.message, 'not needed: fail2ban was started after the change');

    // On the fresh host, check mode predicted a jail file and the start (after the package).
    const check = ctx.runs.check!.result.tasks;
    assert.deepEqual(
      check.filter((t) => t.role === 'fail2ban').map((t) => [t.task, t.status]),
      [
        ['fail2ban installed', 'changed'],
        ['nginx error log exists for its jails', 'changed'],
        ['jails (tested with fail2ban-client -t)', 'changed'],
        ['fail2ban running, its jails answering', 'changed'],
        ['reload fail2ban', 'changed'],
      ],
    );
  },
});
