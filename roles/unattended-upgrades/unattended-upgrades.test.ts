import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { Facts } from '../../lib/facts/facts.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { isChange, type Check, type Resource, type ResourceContext } from '../../lib/resources/resource.js';
import {
  autoUpgradesConfig,
  distributionOrigins,
  unattendedUpgrades,
  unattendedUpgradesConfig,
  type UnattendedUpgradesVariables,
} from './index.js';

const host: InventoryHost = {
  name: 'vps1',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'vps1', become: false },
};
const os = (id: string) =>
  ({ id, versionId: '', codename: '', prettyName: '', family: 'debian' }) as Facts['os'];
const resolve = (variables: Partial<UnattendedUpgradesVariables>): UnattendedUpgradesVariables => {
  const { vars, problems } = resolveRoleVariables(unattendedUpgrades(variables), host);
  assert.deepEqual(problems, []);
  return vars as UnattendedUpgradesVariables;
};
const tasksFor = (id: string, variables: Partial<UnattendedUpgradesVariables> = {}) =>
  unattendedUpgrades.definition.tasks(resolve(variables), roleContext(host, { os: os(id) } as Facts));
/** The content a file task of the role would write. */
const contentOf = (id: string, name: string, variables: Partial<UnattendedUpgradesVariables> = {}) => {
  const found = tasksFor(id, variables).find((t) => t.name === name);
  assert.ok(found, name);
  const plan = (found.resource as Resource).plan({
    parentExists: true,
    ownerMissing: false,
    groupMissing: false,
  } as never);
  assert.ok(isChange(plan));
  return (plan.diff ?? '')
    .split('\n')
    .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
    .map((line) => line.slice(1))
    .join('\n');
};

describe('unattended-upgrades role', () => {
  it("limits Debian to its security archive, clearing the package's own lists", () => {
    const config = unattendedUpgradesConfig(resolve({}), distributionOrigins(os('debian'))!.security);
    assert.equal(
      config,
      [
        '// Managed by Bosun (role unattended-upgrades): local changes are overwritten.',
        '#clear Unattended-Upgrade::Allowed-Origins;',
        'Unattended-Upgrade::Allowed-Origins {',
        '};',
        '#clear Unattended-Upgrade::Origins-Pattern;',
        'Unattended-Upgrade::Origins-Pattern {',
        '  "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
        '};',
        '#clear Unattended-Upgrade::Package-Blacklist;',
        'Unattended-Upgrade::Package-Blacklist {',
        '};',
        'Unattended-Upgrade::Automatic-Reboot "false";',
        'Unattended-Upgrade::Automatic-Reboot-WithUsers "true";',
        'Unattended-Upgrade::Automatic-Reboot-Time "02:00";',
        'Unattended-Upgrade::Mail "";',
        'Unattended-Upgrade::MailReport "on-change";',
        'Unattended-Upgrade::Remove-Unused-Dependencies "false";',
        'Unattended-Upgrade::Remove-Unused-Kernel-Packages "true";',
        '',
      ].join('\n'),
    );
  });

  it("uses Ubuntu's own Allowed-Origins, and adds -updates, extra origins, reboot and mail when asked", () => {
    const content = contentOf('ubuntu', 'origins, reboot and mail', {
      updates: true,
      extraOrigins: ['origin=Docker,label=Docker CE'],
      packageBlacklist: ['linux-image-.*'],
      automaticReboot: true,
      automaticRebootTime: '03:30',
      mail: 'ops@example.com',
      mailReport: 'only-on-error',
    });
    for (const line of [
      '  "${distro_id}:${distro_codename}-security";',
      '  "${distro_id}ESMApps:${distro_codename}-apps-security";',
      '  "${distro_id}:${distro_codename}-updates";',
      '  "origin=Docker,label=Docker CE";',
      '  "linux-image-.*";',
      'Unattended-Upgrade::Automatic-Reboot "true";',
      'Unattended-Upgrade::Automatic-Reboot-Time "03:30";',
      'Unattended-Upgrade::Mail "ops@example.com";',
      'Unattended-Upgrade::MailReport "only-on-error";',
    ])
      assert.ok(content.split('\n').includes(line), `${line} missing from:\n${content}`);
  });

  it('turns the daily runs on or off, with a header so the package’s own file is replaced', () => {
    assert.equal(
      autoUpgradesConfig(true).split('\n').slice(1).join('\n'),
      'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
    );
    assert.match(autoUpgradesConfig(false), /Unattended-Upgrade "0";/);
  });

  it('installs, configures, and keeps the timers on; an upgrade time adds a timer drop-in and its handler', () => {
    assert.deepEqual(
      tasksFor('debian').map((t) => t.name),
      [
        'unattended-upgrades installed',
        'daily runs',
        'origins, reboot and mail',
        'default upgrade time',
        'lists refreshed daily',
        'upgrades run daily',
      ],
    );
    const timed = tasksFor('debian', { upgradeTime: '01:30', aptListchanges: true });
    assert.deepEqual(timed[0].resource.id, 'unattended-upgrades apt-listchanges');
    const timer = timed.find((t) => t.name === 'upgrades at 01:30');
    assert.deepEqual(timer?.notify, ['reload the upgrade timer']);
    assert.match(
      contentOf('debian', 'upgrades at 01:30', { upgradeTime: '01:30' }),
      /^OnCalendar=\nOnCalendar=\*-\*-\* 01:30$/m,
    );
  });

  it('fails clearly on a distribution whose security archive it does not know, unless told', () => {
    const [only] = tasksFor('raspbian');
    const verdict = (only.resource as Check).verify(undefined, {} as ResourceContext);
    assert.equal(verdict.passed, false);
    assert.match(verdict.message ?? '', /not of 'raspbian': set securityOrigins/);
    assert.equal(
      tasksFor('raspbian', { securityOrigins: ['origin=Raspbian,archive=${distro_codename}'] }).length,
      6,
    );
  });

  it('refuses values that would break out of an apt.conf string', () => {
    const { problems } = resolveRoleVariables(
      unattendedUpgrades({ mail: 'a"; Foo "b', automaticRebootTime: '25:00' }),
      host,
    );
    assert.equal(problems.length, 2, problems.join('\n'));
  });
});
