import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { upload } from '../../lib/resources/actions.js';
import { isProbe, type Probe } from '../../lib/resources/resource.js';
import { output, probeContext } from '../../lib/resources/files/fixtures/probes.js';
import { jailFile, type JailFileState } from './jail-file.js';

const path = '/etc/fail2ban/jail.d/00-bosun.local';
const jail = (banaction: string) =>
  jailFile({ path, banaction, render: (action) => `banaction = ${action}\n`, validate: 'check %s' });
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const stats = 'type=regular file\nmode=644\nowner=root\nuid=0\ngroup=root\ngid=0\nsize=24\n';

describe('jailFile', () => {
  it("with 'auto', finds the firewall and reads the file in one probe script", () => {
    const probe = jail('auto').probe(probeContext());
    assert.ok(isProbe(probe));
    assert.match(probe.script, /^\(\n.*ufw status/s);
    assert.match(probe.script, /\n\)\n.*sha256sum/s);
  });

  it('renders the ban action of the firewall the probe found, and plans the file against it', () => {
    const resource = jail('auto');
    const probe = resource.probe(probeContext()) as Probe<JailFileState>;
    const current = probe.parse(
      output(`firewall=ufw\n${stats}sha256=${sha('banaction = iptables-multiport\n')}\n`),
    );
    assert.equal(current.content, 'banaction = ufw\n');
    assert.deepEqual(resource.plan(current), {
      actions: [
        upload(path, Buffer.from('banaction = ufw\n'), {
          mode: '0644',
          owner: 'root',
          group: 'root',
          validate: 'check %s',
        }),
      ],
      changes: ['content'],
    });
  });

  it('falls back to nftables when no firewall is installed yet', () => {
    const probe = jail('auto').probe(probeContext()) as Probe<JailFileState>;
    assert.equal(probe.parse(output('parent_missing=1\n')).content, 'banaction = nftables-multiport\n');
  });

  it('with a given ban action, probes as a plain file and changes nothing when it matches', () => {
    const resource = jail('iptables-multiport');
    const probe = resource.probe(probeContext()) as Probe<JailFileState>;
    assert.doesNotMatch(probe.script, /ufw/);
    const current = probe.parse(output(`${stats}sha256=${sha('banaction = iptables-multiport\n')}\n`));
    assert.deepEqual(resource.plan(current), { actions: [], changes: [] });
  });
});
