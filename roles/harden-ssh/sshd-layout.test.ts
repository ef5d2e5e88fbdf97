import assert from 'node:assert/strict';
import {
  explainSshdTest,
  layoutProblems,
  parseDirectives,
  plannedConfig,
  type SshdLayout,
} from './sshd-layout.js';

const debianMain = [
  '# This is the sshd server system-wide configuration file.',
  'Include /etc/ssh/sshd_config.d/*.conf',
  '',
  'KbdInteractiveAuthentication no',
  'UsePAM yes',
  'X11Forwarding yes',
  'Subsystem\tsftp\t/usr/lib/openssh/sftp-server',
  'Match User backup',
  '  PasswordAuthentication yes',
].join('\n');

const layout = (main: string, dropIns: SshdLayout['dropIns'] = []): SshdLayout => ({ main, dropIns });
const ours = ['port', 'passwordauthentication', 'x11forwarding', 'hostkey', 'permitrootlogin'];

describe('parseDirectives', () => {
  it('reads keywords in any case, with = or spaces, and marks Match blocks as not global', () => {
    const directives = parseDirectives(
      'Port=2222\n  permitRootLogin  no\n# Port 1\nMatch User x\n X11Forwarding yes\nMatch all\nMaxSessions 3',
    );
    assert.deepEqual(
      directives.map(({ keyword, args, line, global }) => [keyword, args, line, global]),
      [
        ['port', '2222', 1, true],
        ['permitrootlogin', 'no', 2, true],
        ['match', 'User x', 4, false],
        ['x11forwarding', 'yes', 5, false],
        ['match', 'all', 6, false],
        ['maxsessions', '3', 7, true],
      ],
    );
  });
});

describe('layoutProblems', () => {
  it("accepts Debian's sshd_config: its own settings come after the Include, its Match blocks do not count", () => {
    assert.deepEqual(layoutProblems(layout(debianMain), ours), []);
  });

  it('fails when sshd_config does not include the drop-in folder, and says how to fix it', () => {
    const [problem] = layoutProblems(layout('Port 22\nUsePAM yes\n'), ours);
    assert.match(problem, /does not include \/etc\/ssh\/sshd_config\.d\/\*\.conf/);
    assert.match(problem, /add the line `Include \/etc\/ssh\/sshd_config\.d\/\*\.conf` at the top/);
  });

  it('accepts the relative form of the Include', () => {
    assert.deepEqual(layoutProblems(layout('Include sshd_config.d/*.conf\n'), ours), []);
  });

  it('names settings read before the drop-in, and lines of settings sshd adds up anywhere', () => {
    const problems = layoutProblems(
      layout(
        'PermitRootLogin yes\nInclude /etc/ssh/sshd_config.d/*.conf\nPort 22\nPasswordAuthentication yes\n',
        [
          { name: '50-cloud-init.conf', content: 'PasswordAuthentication yes\n' },
          { name: '0-early.conf', content: 'X11Forwarding yes\nHostKey /etc/ssh/ssh_host_ecdsa_key\n' },
          { name: 'zz.conf', content: 'Match User a\n  Port 2200\n' },
        ],
      ),
      ours,
    );
    assert.deepEqual(problems, [
      "/etc/ssh/sshd_config line 1 sets permitrootlogin before sshd reads /etc/ssh/sshd_config.d/00-bosun-hardening.conf; sshd keeps the first value, so the role's would not apply: remove that line.",
      "/etc/ssh/sshd_config.d/0-early.conf line 1 sets x11forwarding before sshd reads /etc/ssh/sshd_config.d/00-bosun-hardening.conf; sshd keeps the first value, so the role's would not apply: remove that line.",
      '/etc/ssh/sshd_config.d/0-early.conf line 2 sets hostkey too; sshd adds up every hostkey line, so the role could not decide it: remove that line.',
      '/etc/ssh/sshd_config line 3 sets port too; sshd adds up every port line, so the role could not decide it: remove that line.',
    ]);
  });
});

describe('plannedConfig and explainSshdTest', () => {
  const dropIn = '# managed\nPort 2222\nFooBar yes\n';

  it('puts the new drop-in inline where the Include was, the other drop-ins around it in glob order', () => {
    const planned = plannedConfig(
      layout('# top\nInclude /etc/ssh/sshd_config.d/*.conf\nUsePAM yes', [
        { name: '50-cloud-init.conf', content: 'x' },
        { name: '0-early.conf', content: 'y' },
      ]),
      dropIn,
    )!;
    assert.equal(
      planned.text,
      [
        '# top',
        'Include /etc/ssh/sshd_config.d/0-early.conf',
        '# managed',
        'Port 2222',
        'FooBar yes',
        'Include /etc/ssh/sshd_config.d/50-cloud-init.conf',
        'UsePAM yes',
      ].join('\n'),
    );
    assert.deepEqual(
      [planned.includeLine, planned.insertedLines, planned.dropInFirstLine, planned.dropInLastLine],
      [2, 5, 3, 5],
    );
  });

  it('keeps other patterns of the Include line, and needs the Include', () => {
    const planned = plannedConfig(
      layout('Include /etc/ssh/sshd_config.d/*.conf /etc/ssh/extra.conf'),
      dropIn,
    )!;
    assert.equal(planned.text, '# managed\nPort 2222\nFooBar yes\nInclude /etc/ssh/extra.conf');
    assert.equal(plannedConfig(layout('Port 22'), dropIn), undefined);
  });

  it("maps sshd -t's stdin line numbers back to the files they come from", () => {
    const planned = plannedConfig(
      layout('# top\nInclude /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\nBad x'),
      dropIn,
    )!;
    const output = [
      '/dev/stdin: line 4: Bad configuration option: FooBar',
      '/dev/stdin line 6: Bad configuration option: Bad',
      '/dev/stdin line 1: oops',
      '/dev/stdin: terminating, 2 bad configuration options',
    ].join('\n');
    assert.equal(
      explainSshdTest(output, planned),
      [
        '/etc/ssh/sshd_config.d/00-bosun-hardening.conf line 3: Bad configuration option: FooBar',
        '/etc/ssh/sshd_config line 4: Bad configuration option: Bad',
        '/etc/ssh/sshd_config line 1: oops',
        'the planned configuration: terminating, 2 bad configuration options',
      ].join('\n'),
    );
  });
});
