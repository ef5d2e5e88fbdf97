import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import type { Probe } from '../../lib/resources/resource.js';
import type { Fail2banServiceState } from '../../lib/resources/services/fail2ban-service.js';
import { fail2ban, jailFilePath, sshdBackend } from './index.js';
import { allportsAction, enabledJails, renderJailConfig } from './jail-config.js';
import type { Fail2banVariables } from './variables.js';

const host: InventoryHost = {
  name: 'vps',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'vps', port: 52231, become: false },
};
const resolve = (given: Partial<Fail2banVariables>) => {
  const { vars, problems } = resolveRoleVariables(fail2ban(given), host);
  assert.deepEqual(problems, []);
  return vars as Fail2banVariables;
};

describe('fail2ban jail file', () => {
  it('renders use case A: DEFAULT, sshd on the new port from journald, recidive, nginx-limit-req', () => {
    const vars = resolve({
      bantime: 3600,
      findtime: 600,
      maxretry: 3,
      sshd: { ports: [52231], maxretry: 3, bantime: 7200 },
      nginx: {
        jails: ['nginx-limit-req'],
        errorLog: '/var/log/nginx/error.log',
        maxretry: 5,
        findtime: 60,
        docker: false,
      },
    });
    assert.equal(
      renderJailConfig(vars, { banaction: 'ufw', sshdPorts: [52231], sshdBackend: 'systemd' }),
      `# Managed by Bosun (fail2ban role): changes here are overwritten.
# Local additions go in a file read after this one, e.g. /etc/fail2ban/jail.d/zz-local.local.

[DEFAULT]
bantime = 3600
findtime = 600
maxretry = 3
ignoreip = 127.0.0.1/8 ::1
banaction = ufw
banaction_allports = ufw

[sshd]
enabled = true
port = 52231
backend = systemd
maxretry = 3
bantime = 7200

[recidive]
enabled = true
bantime = 1w
findtime = 1d
maxretry = 5

[nginx-limit-req]
enabled = true
port = http,https
logpath = /var/log/nginx/error.log
maxretry = 5
findtime = 60
`,
    );
    assert.deepEqual(enabledJails(vars), ['sshd', 'recidive', 'nginx-limit-req']);
  });

  it('bans in DOCKER-USER for nginx in a container', () => {
    const vars = resolve({
      nginx: {
        jails: ['nginx-http-auth'],
        errorLog: '/opt/app/nginx/logs/error.log',
        maxretry: 5,
        findtime: 60,
        docker: true,
      },
    });
    const text = renderJailConfig(vars, { banaction: 'ufw', sshdPorts: [22], sshdBackend: 'systemd' });
    assert.match(
      text,
      /\[nginx-http-auth\]\nenabled = true\nport = http,https\nlogpath = \/opt\/app\/nginx\/logs\/error\.log\nmaxretry = 5\nfindtime = 60\nbanaction = iptables-allports\nchain = DOCKER-USER\n/,
    );
  });

  it('merges the jails variable over the role’s sections and adds new ones', () => {
    const vars = resolve({
      recidive: { enabled: false, bantime: '1w', findtime: '1d', maxretry: 5 },
      jails: {
        DEFAULT: { 'bantime.increment': true },
        sshd: { maxretry: 2 },
        postfix: { enabled: 'yes', mode: 'aggressive' },
      },
    });
    const text = renderJailConfig(vars, {
      banaction: 'nftables-multiport',
      sshdPorts: [22],
      sshdBackend: 'systemd',
    });
    assert.match(
      text,
      /banaction = nftables-multiport\nbanaction_allports = nftables-allports\nbantime\.increment = true\n/,
    );
    assert.match(text, /\[sshd\]\nenabled = true\nport = 22\nbackend = systemd\nmaxretry = 2\n/);
    assert.match(text, /\n\[postfix\]\nenabled = yes\nmode = aggressive\n$/);
    assert.deepEqual(enabledJails(vars), ['sshd', 'postfix']);
  });

  it('keeps variables to one line each: no option can be slipped in', () => {
    const { problems } = resolveRoleVariables(
      fail2ban({ jails: { sshd: { port: '22\nenabled = false' } } }),
      host,
    );
    assert.equal(problems.length > 0, true);
    const bad = resolveRoleVariables(fail2ban({ jails: { 'bad name]': { enabled: true } } } as never), host);
    assert.equal(bad.problems.length > 0, true, 'a section name is checked too');
  });

  it('uses the ban action’s own all-ports sibling for recidive', () => {
    assert.equal(allportsAction('ufw'), 'ufw');
    assert.equal(allportsAction('iptables-multiport'), 'iptables-allports');
    assert.equal(allportsAction('nftables-multiport'), 'nftables-allports');
    assert.equal(allportsAction('shorewall'), 'shorewall');
  });

  it('reads sshd from journald on systemd hosts unless told otherwise', () => {
    assert.equal(sshdBackend(resolve({}), 'systemd'), 'systemd');
    assert.equal(sshdBackend(resolve({}), 'other'), 'auto');
    assert.equal(
      sshdBackend(resolve({ sshd: { enabled: true, backend: 'pyinotify' } }), 'systemd'),
      'pyinotify',
    );
  });

  it('installs python3-systemd for the journald backend, and no nginx log task without nginx jails', () => {
    const vars = resolve({});
    const facts = { init: 'systemd' } as never;
    const tasks = fail2ban.definition.tasks(vars, roleContext(host, facts));
    assert.deepEqual(
      tasks.map((t) => t.name),
      [
        'fail2ban installed',
        'jails (tested with fail2ban-client -t)',
        'fail2ban running, its jails answering',
      ],
    );
    assert.equal(tasks[0].resource.id, 'fail2ban python3-systemd');
  });
});

describe('fail2ban reload handler', () => {
  it('is for the jail file: not run again after a start that read the new file', () => {
    const vars = resolve({});
    const context = roleContext(host, { init: 'systemd' } as never);
    const handler = fail2ban.definition.handlers!(vars, context)['reload fail2ban'];
    const probe = handler.probe({ transport: { hostName: 'vps' } } as never) as Probe<Fail2banServiceState>;
    assert.deepEqual(probe.env, { F2B_CHANGED_FILE: jailFilePath });
    const running = { loadState: 'loaded', activeState: 'active', unitFileState: 'enabled' };
    assert.deepEqual(handler.plan({ ...running, startedAt: 9_000_000, changedAt: 8_000_000 }), {
      actions: [],
      changes: [],
      message: 'not needed: fail2ban was started after the change',
    });
    assert.deepEqual(handler.plan({ ...running, startedAt: 7_000_000, changedAt: 8_000_000 }).changes, [
      'reload fail2ban.service',
    ]);
  });
});
