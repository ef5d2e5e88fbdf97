import assert from 'node:assert/strict';
import { networkContains, networksOverlap, parseNetwork, ufwAddressText } from './ip-network.js';

const text = (address: string) => ufwAddressText(parseNetwork(address));

describe('ip-network', () => {
  it('writes addresses as ufw stores them', () => {
    assert.equal(text('10.1.2.3/8'), '10.0.0.0/8', 'ufw masks the host bits of an IPv4 network');
    assert.equal(text('192.0.2.7/32'), '192.0.2.7');
    assert.equal(text('192.0.2.7'), '192.0.2.7');
    assert.equal(text('0.0.0.0/0'), '0.0.0.0/0');
    assert.equal(text('2001:DB8:0:0::1/32'), '2001:db8::1/32', 'ufw keeps IPv6 host bits');
    assert.equal(
      text('2001:db8:0:0:1:0:0:1'),
      '2001:db8::1:0:0:1',
      'the first longest zero run is compressed',
    );
    assert.equal(text('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group stays');
    assert.equal(text('::1/128'), '::1');
    assert.equal(text('::'), '::');
    assert.equal(text('fe80::/10'), 'fe80::/10');
  });

  it('refuses what is not an address, with the reason', () => {
    for (const bad of [
      '10.0.0.256',
      '10.0.0',
      '10.0.0.0/33',
      'host.example',
      '1::2::3',
      '::ffff:1.2.3.4',
      '2001:db8::/129',
      '10.0.0.0/8/8',
    ])
      assert.throws(() => parseNetwork(bad), TypeError, bad);
  });

  it('tells containment and overlap, never across families', () => {
    const net = parseNetwork('10.0.0.0/8');
    assert.equal(networkContains(net, parseNetwork('10.200.0.1')), true);
    assert.equal(networkContains(net, parseNetwork('11.0.0.1')), false);
    assert.equal(networkContains(net, parseNetwork('::a00:1')), false);
    assert.equal(networkContains(parseNetwork('10.1.0.0/16'), parseNetwork('10.0.0.0/8')), false);
    assert.equal(networksOverlap(parseNetwork('10.1.0.0/16'), net), true);
    assert.equal(networksOverlap(parseNetwork('192.168.0.0/16'), net), false);
    assert.equal(networkContains(parseNetwork('2001:db8::1/32'), parseNetwork('2001:db8:ffff::9')), true);
  });
});
