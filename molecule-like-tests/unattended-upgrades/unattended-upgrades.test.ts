import assert from 'node:assert/strict';
import { scenario } from '../../lib/testing/index.js';

scenario({
  name: 'unattended-upgrades role: security origin, reboot window, daily timers',
  playbook: new URL('./playbook.ts', import.meta.url).pathname,
  hosts: [{ name: 'uu-1' }],
  verify: async (ctx) => {
    const host = ctx.host();
    const exec = async (command: string) => {
      const result = await host.exec(command);
      assert.equal(result.code, 0, `${command}: ${result.output}`);
      return result.output;
    };

    assert.match(await exec("dpkg-query -W -f '${db:Status-Status}' unattended-upgrades"), /^installed$/);
    assert.match(
      await exec('cat /etc/apt/apt.conf.d/20auto-upgrades'),
      /\nAPT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n$/,
    );

    // apt's merged configuration: only the security origin, whatever 50unattended-upgrades lists.
    const config = await exec('apt-config dump Unattended-Upgrade');
    const origins = config
      .split('\n')
      .filter((line) => /^Unattended-Upgrade::(Origins-Pattern|Allowed-Origins):: /.test(line));
    assert.deepEqual(origins, [
      'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
    ]);
    assert.match(config, /^Unattended-Upgrade::Automatic-Reboot "true";$/m);
    assert.match(config, /^Unattended-Upgrade::Automatic-Reboot-Time "02:00";$/m);

    // unattended-upgrade itself reports the allowed origins, with the codename expanded.
    const dryRun = await exec('unattended-upgrade --dry-run --debug 2>&1');
    assert.match(
      dryRun,
      /^Allowed origins are: origin=Debian,codename=bookworm-security,label=Debian-Security$/m,
    );

    // The daily timers are on, the upgrade one at 01:30 without a random delay.
    assert.equal(
      await exec('systemctl is-enabled apt-daily.timer apt-daily-upgrade.timer'),
      'enabled\nenabled\n',
    );
    assert.match(
      await exec('systemctl show -p TimersCalendar -p RandomizedDelayUSec apt-daily-upgrade.timer'),
      /OnCalendar=\*-\*-\* 01:30:00 .*\nRandomizedDelayUSec=0\n/s,
    );
  },
});
