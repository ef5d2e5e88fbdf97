import assert from 'node:assert/strict';
import { playbook } from '../../lib/engine/playbook.js';
import { scenario } from '../../lib/testing/index.js';
import { ufw } from '../../roles/ufw/index.js';

// Use case A on a throwaway host, whose sshd listens on 22 inside the container: SSH limited on 22 and on
// the port harden-ssh will move it to, the web open, and Docker-published ports under ufw. The limit on
// the SSH port is live here: the scenario opens 4 SSH connections in all (check, converge and its
// confirmation login, idempotence), under the 6 in 30 s that `limit` lets through.
scenario({
  name: 'ufw: use case A (SSH limited, web open, DOCKER-USER chain)',
  playbook: playbook({
    name: 'ufw use case A',
    plays: [
      {
        name: 'firewall',
        hosts: 'all',
        roles: [
          ufw({
            rules: [
              { rule: 'limit', port: 22, comment: 'ssh' },
              { rule: 'limit', port: 52231, comment: 'ssh after harden-ssh' },
              { rule: 'allow', port: 80 },
              { rule: 'allow', port: 443 },
              { rule: 'allow', port: 443, route: true, comment: 'nginx container' },
            ],
            sshPorts: [22, 52231],
            logging: 'medium',
            purge: true,
            dockerUserChain: true,
          }),
        ],
      },
    ],
  }),
  hosts: [{ name: 'ufw-a' }],
  verify: async (ctx) => {
    const host = ctx.host();
    const status = (await host.exec('ufw status verbose')).output;
    console.log(`      ufw status verbose:\n${status.replace(/^/gm, '        ')}`);
    assert.match(status, /^Status: active$/m);
    assert.match(status, /^Logging: on \(medium\)$/m);
    assert.match(status, /^Default: deny \(incoming\), allow \(outgoing\), deny \(routed\)$/m);
    assert.match(status, /^22\/tcp +LIMIT IN +Anywhere +# ssh$/m);
    assert.match(status, /^52231\/tcp +LIMIT IN +Anywhere +# ssh after harden-ssh$/m);
    assert.match(status, /^80\/tcp +ALLOW IN +Anywhere *$/m);
    assert.match(status, /^443\/tcp +ALLOW IN +Anywhere *$/m);
    assert.match(status, /^443\/tcp +ALLOW FWD +Anywhere +# nginx container$/m);
    assert.match(status, /^22\/tcp \(v6\) +LIMIT IN +Anywhere \(v6\) +# ssh$/m);

    // The limit is live in the kernel: ufw's recent-module rules for port 22, and the module's list holds
    // the address of this test's SSH logins (the confirmation and the idempotence run came after enabling).
    const input = (await host.exec('iptables -S ufw-user-input')).output;
    assert.match(input, /--dport 22 .*--update --seconds 30 --hitcount 6 .*-j ufw-user-limit$/m);
    const recent = (await host.exec('cat /proc/net/xt_recent/DEFAULT')).output;
    assert.match(recent, /^src=172\.\d+\.\d+\.\d+ /m, recent);

    // The DOCKER-USER block, at the end of after.rules, loaded by ufw.
    const afterRules = (await host.exec('cat /etc/ufw/after.rules')).output;
    assert.match(
      afterRules,
      /^COMMIT\n# BEGIN UFW AND DOCKER\n\*filter\n[\s\S]*\nCOMMIT\n# END UFW AND DOCKER\n$/m,
    );
    assert.equal(afterRules.match(/# BEGIN UFW AND DOCKER/g)?.length, 1);
    const chain = (await host.exec('iptables -S DOCKER-USER')).output;
    assert.match(chain, /^-A DOCKER-USER -j ufw-user-forward$/m);
    assert.match(chain, /^-A DOCKER-USER -d 172\.16\.0\.0\/12 -p tcp .*-j bosun-docker-block$/m);
    assert.match((await host.exec('iptables -S ufw-user-forward')).output, /--dport 443 -j ACCEPT/);

    // The confirmation login cancelled the host's rollback.
    const converge = ctx.runs.converge!.result.tasks;
    assert.deepEqual(
      converge.filter((t) => t.handler).map((t) => [t.task, t.status]),
      [
        ['reload ufw', 'changed'],
        ['confirm SSH access', 'changed'],
      ],
    );
    assert.doesNotMatch(
      (await host.exec('systemctl list-timers --all --no-legend')).output,
      /bosun-rollback/,
    );
    assert.notEqual((await host.exec('test -e /var/lib/bosun/rollback/ufw')).code, 0);

    // Check on the fresh host predicted the rules and the enabling, waiting for the package.
    const check = ctx.runs.check!.result.tasks.find(
      (t) => t.task === 'firewall rules, policies and logging',
    )!;
    assert.equal(check.afterEarlierChanges, true);
    assert.deepEqual(check.changes, [
      'add limit 22/tcp # ssh',
      'add limit 52231/tcp # ssh after harden-ssh',
      'add allow 80/tcp',
      'add allow 443/tcp',
      'add route allow 443/tcp # nginx container',
      'logging: low → medium',
      'enable the firewall',
    ]);
  },
});
