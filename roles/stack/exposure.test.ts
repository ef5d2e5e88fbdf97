import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ComposeFile } from './compose-schema.js';
import { findExposures, formatExposures } from './exposure.js';
import { dockerUserRules } from '../ufw/docker-user-rules.js';
import { parseFirewall, type FirewallState } from './firewall-state.js';
import { describePort, publishedPorts } from './published-ports.js';

const ufwActive = readFileSync(new URL('./fixtures/ufw-status-active.txt', import.meta.url), 'utf8');
const dockerUserDefault = '-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n';

const stack = (ports: ComposeFile['services'][string]['ports']): ComposeFile => ({
  services: { app: { image: 'app:1', ports } },
});

describe('publishedPorts', () => {
  it('reads the short syntax: address, ranges, protocols, IPv6 and random host ports', () => {
    const ports = publishedPorts(
      stack([
        '127.0.0.1:8080:80',
        '80:80',
        '443:443/tcp',
        '0.0.0.0:53:53/udp',
        '[::1]:9090:9090',
        '[::]:9091:9091',
        '3002-3004:3002-3004',
        '127.0.0.1::5000',
        '8080',
        6000,
      ]),
    );
    assert.deepEqual(ports.map(describePort), [
      '127.0.0.1:8080→80/tcp',
      '*:80→80/tcp',
      '*:443→443/tcp',
      '*:53→53/udp',
      '[::1]:9090→9090/tcp',
      '*:9091→9091/tcp',
      '*:3002-3004→3002-3004/tcp',
      '127.0.0.1:(random)→5000/tcp',
      '*:(random)→8080/tcp',
      '*:(random)→6000/tcp',
    ]);
  });

  it('reads the long syntax', () => {
    const ports = publishedPorts(
      stack([
        { target: 80, published: 8080, host_ip: '127.0.0.1' },
        { target: 53, published: '5353', protocol: 'udp' },
      ]),
    );
    assert.deepEqual(ports.map(describePort), ['127.0.0.1:8080→80/tcp', '*:5353→53/udp']);
  });

  it('refuses what it cannot read, naming the service', () => {
    for (const bad of ['a:b', ':80', '1:2:3:4', '80/icmp', ':80:80'])
      assert.throws(() => publishedPorts(stack([bad])), /service app: cannot read the port/, bad);
  });
});

describe('parseFirewall', () => {
  it('reads what an active ufw allows from anywhere, route rules included', () => {
    assert.deepEqual(parseFirewall({ ufw: ufwActive, dockerUser: dockerUserDefault }), {
      ufw: 'active',
      allowed: [
        { from: 22, to: 22, protocol: 'tcp' },
        { from: 80, to: 80, protocol: 'tcp' },
        { from: 443, to: 443, protocol: 'tcp' },
        { from: 52231, to: 52231, protocol: 'tcp' },
        { from: 3002, to: 3010, protocol: 'tcp' },
        { from: 8443, to: 8443 },
        { from: 22, to: 22, protocol: 'tcp' },
        { from: 80, to: 80, protocol: 'tcp' },
        { from: 443, to: 443, protocol: 'tcp' },
        { from: 52231, to: 52231, protocol: 'tcp' },
        { from: 3002, to: 3010, protocol: 'tcp' },
        { from: 8443, to: 8443 },
        { from: 9000, to: 9000, protocol: 'tcp' },
        { from: 9000, to: 9000, protocol: 'tcp' },
      ],
      dockerUserRules: 0,
      ufwDocker: false,
    });
  });

  it('tells an inactive, a missing and an unreadable ufw apart, and counts DOCKER-USER rules', () => {
    assert.equal(parseFirewall({ ufw: 'Status: inactive\n' }).ufw, 'inactive');
    assert.equal(parseFirewall({}).ufw, 'absent');
    assert.equal(parseFirewall({ ufw: 'ERROR: You need to be root to run this script\n' }).ufw, 'unreadable');
    const rules =
      '-N DOCKER-USER\n-A DOCKER-USER -i eth0 -p tcp --dport 5432 -j DROP\n-A DOCKER-USER -j RETURN\n';
    assert.equal(parseFirewall({ ufw: ufwActive, dockerUser: rules }).dockerUserRules, 1);
    assert.equal(parseFirewall({ ufw: ufwActive, dockerUser: rules }).ufwDocker, false);
  });

  it('recognises DOCKER-USER rules that hand containers to ufw (ufw-docker, roles/ufw)', () => {
    const rules = dockerUserRules
      .split('\n')
      .filter((line) => line.startsWith('-A DOCKER-USER'))
      .join('\n');
    const state = parseFirewall({ ufw: ufwActive, dockerUser: `-N DOCKER-USER\n${rules}\n` });
    assert.equal(state.ufwDocker, true);
    assert.equal(state.dockerUserRules, 11);
  });
});

describe('findExposures', () => {
  const active = parseFirewall({ ufw: ufwActive, dockerUser: dockerUserDefault });
  const compose: ComposeFile = {
    services: {
      caddy: { image: 'caddy:2', ports: ['80:80', '443:443', '443:443/udp'] },
      web: { image: 'web:1', ports: ['127.0.0.1:3000:3000'] },
      db: { image: 'postgres:16', ports: ['5432:5432'] },
      sites: { image: 'site:1', ports: ['3002-3004:3000'] },
    },
  };

  it('with ufw active: the ports ufw does not allow, because Docker publishes around it', () => {
    const found = findExposures(compose, active);
    assert.deepEqual(
      found.map(({ port, reason }) => `${port.service} ${describePort(port)}: ${reason}`),
      [
        'caddy *:443→443/udp: ufw does not allow it, but Docker publishes ports around ufw (its NAT rules come first)',
        'db *:5432→5432/tcp: ufw does not allow it, but Docker publishes ports around ufw (its NAT rules come first)',
      ],
    );
    assert.match(formatExposures(found), /^2 published port\(s\) reachable from anywhere:\n {2}caddy: /);
    assert.match(formatExposures(found), /'127\.0\.0\.1:8080:80'/);
  });

  it('without a firewall: every port on all interfaces; ports bound to one address never', () => {
    const none: FirewallState = { ufw: 'absent', allowed: [], dockerUserRules: 0, ufwDocker: false };
    assert.deepEqual(
      findExposures(compose, none).map(({ port, reason }) => `${port.service} ${port.target}: ${reason}`),
      [
        'caddy 80: no firewall is active (ufw absent)',
        'caddy 443: no firewall is active (ufw absent)',
        'caddy 443: no firewall is active (ufw absent)',
        'db 5432: no firewall is active (ufw absent)',
        'sites 3000: no firewall is active (ufw absent)',
      ],
    );
  });

  it('finds nothing when ufw-docker rules send containers through ufw route rules', () => {
    assert.deepEqual(findExposures(compose, { ...active, dockerUserRules: 9, ufwDocker: true }), []);
  });

  it('says when DOCKER-USER has rules it cannot judge', () => {
    const filtered = { ...active, dockerUserRules: 2 };
    assert.match(findExposures(compose, filtered)[0].reason, /DOCKER-USER chain has 2 rule\(s\)/);
  });
});
