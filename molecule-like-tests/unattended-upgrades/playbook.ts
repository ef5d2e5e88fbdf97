import { playbook } from '../../lib/engine/playbook.js';
import { unattendedUpgrades } from '../../roles/unattended-upgrades/index.js';

// Use case A: security updates only, a reboot when one needs it at 02:00, the upgrade itself at 01:30.
export default playbook({
  name: 'unattended-upgrades role',
  plays: [
    {
      name: 'automatic security updates',
      hosts: 'all',
      roles: [
        unattendedUpgrades({ automaticReboot: true, automaticRebootTime: '02:00', upgradeTime: '01:30' }),
      ],
    },
  ],
});
