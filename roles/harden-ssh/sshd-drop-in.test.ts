import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { cryptoDefaults } from './crypto-defaults.js';
import { hardenSsh } from './index.js';
import { renderDropIn } from './sshd-drop-in.js';
import type { HardenSshVariables } from './variables.js';

const host: InventoryHost = {
  name: 'web1',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'web1', become: false },
};

/** The variables as the engine resolves them: given values plus the schema's defaults. */
function variables(given: Partial<HardenSshVariables> = {}): HardenSshVariables {
  const { vars, problems } = resolveRoleVariables(hardenSsh(given), host);
  assert.deepEqual(problems, []);
  return vars as HardenSshVariables;
}

const settingLines = (content: string) => content.split('\n').filter((line) => line && !line.startsWith('#'));

describe('renderDropIn', () => {
  it('renders the defaults: one Port and HostKey per entry, key logins only, modern algorithms', () => {
    const rendered = renderDropIn(variables(), cryptoDefaults('9.2'));
    assert.deepEqual(settingLines(rendered.content), [
      'Port 22',
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'HostKey /etc/ssh/ssh_host_rsa_key',
      'PermitRootLogin no',
      'PasswordAuthentication no',
      'PermitEmptyPasswords no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'MaxAuthTries 3',
      'MaxSessions 10',
      'LoginGraceTime 30',
      'ClientAliveInterval 300',
      'ClientAliveCountMax 3',
      'X11Forwarding no',
      'AllowAgentForwarding no',
      'AllowTcpForwarding no',
      'PermitTunnel no',
      'LogLevel VERBOSE',
      'KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256',
      'Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr',
      'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com',
      'HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256',
    ]);
    assert.match(rendered.content, /^# Managed by Bosun/);
    assert.ok(rendered.content.endsWith('\n'));
    assert.deepEqual(rendered.problems, []);
    assert.ok(rendered.keywords.includes('port') && rendered.keywords.includes('kexalgorithms'));
  });

  it('renders every port, the access lists, the banner and the optional settings', () => {
    const rendered = renderDropIn(
      variables({
        ports: [2222, 22],
        hostKeys: ['ed25519'],
        permitRootLogin: 'prohibit-password',
        allowUsers: ['deploy', 'ops@10.0.0.0/8'],
        allowGroups: ['sshusers'],
        allowTcpForwarding: 'local',
        permitTunnel: 'point-to-point',
        banner: 'Authorised access only',
        printMotd: false,
        usePam: true,
        ciphers: ['aes256-gcm@openssh.com'],
      }),
      cryptoDefaults('9.2'),
    );
    const lines = settingLines(rendered.content);
    assert.deepEqual(lines.slice(0, 3), ['Port 2222', 'Port 22', 'HostKey /etc/ssh/ssh_host_ed25519_key']);
    for (const line of [
      'PermitRootLogin prohibit-password',
      'AllowUsers deploy ops@10.0.0.0/8',
      'AllowGroups sshusers',
      'AllowTcpForwarding local',
      'PermitTunnel point-to-point',
      'Banner /etc/issue.net',
      'PrintMotd no',
      'UsePAM yes',
      'Ciphers aes256-gcm@openssh.com',
    ]) {
      assert.ok(lines.includes(line), `${line} in:\n${lines.join('\n')}`);
    }
  });

  it('appends extraSettings, and refuses keywords a variable owns, Match and Include', () => {
    const rendered = renderDropIn(
      variables({
        extraSettings: {
          MaxStartups: '10:30:60',
          Compression: false,
          AcceptEnv: ['LANG', 'LC_*'],
          passwordauthentication: true,
          Match: 'User backup',
          ChallengeResponseAuthentication: true,
        },
      }),
      cryptoDefaults('9.2'),
    );
    const lines = settingLines(rendered.content);
    assert.deepEqual(lines.slice(-3), ['MaxStartups 10:30:60', 'Compression no', 'AcceptEnv LANG LC_*']);
    assert.ok(!lines.some((line) => /^(passwordauthentication|Match|ChallengeResponse)/.test(line)));
    assert.deepEqual(rendered.problems, [
      "extraSettings.passwordauthentication: set it with the role variable 'passwordAuthentication'.",
      'extraSettings.Match: Match cannot go into the drop-in (it would capture the settings after it); put it in a file of its own in /etc/ssh/sshd_config.d.',
      "extraSettings.ChallengeResponseAuthentication: set it with the role variable 'kbdInteractiveAuthentication'.",
    ]);
  });

  it('lets the schema refuse values that would add lines, and unknown variables', () => {
    const bad = resolveRoleVariables(
      hardenSsh({ extraSettings: { Banner2: 'x\nPermitRootLogin yes' }, allowUsers: ['a b'] }),
      host,
    );
    assert.equal(bad.problems.length > 0, true);
    assert.ok(bad.problems.some((problem) => problem.includes('allowUsers')));
    assert.ok(bad.problems.some((problem) => problem.includes('extraSettings')));
    const typo = resolveRoleVariables(hardenSsh({ port: 2222 } as never), host);
    assert.match(typo.problems.join('\n'), /unknown variable 'port' \(did you mean 'ports'\?\)/);
  });
});
