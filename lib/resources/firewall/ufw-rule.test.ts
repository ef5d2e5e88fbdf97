import assert from 'node:assert/strict';
import {
  describeUfwRule,
  normalizeUfwRule,
  parseTupleLine,
  tupleKey,
  tuplesOverlap,
  ufwRuleArgs,
  type UfwRule,
} from './ufw-rule.js';

const declare = (rule: UfwRule) => normalizeUfwRule(rule, 'rules[0]').tuple;

describe('ufw rules', () => {
  it('normalizes a declared rule as ufw stores it', () => {
    assert.deepEqual(
      normalizeUfwRule({ rule: 'allow', port: 6443, from: '10.1.2.3/8', comment: 'k8s api' }, 'rules[3]'),
      {
        tuple: {
          action: 'allow',
          route: false,
          direction: 'in',
          proto: 'tcp',
          dport: '6443',
          dst: 'any',
          sport: 'any',
          src: '10.0.0.0/8',
          dapp: '',
          sapp: '',
          comment: 'k8s api',
        },
        family: 4,
        where: 'rules[3]',
      },
    );
    assert.equal(declare({ rule: 'allow', from: '10.0.0.0/8' }).proto, 'any', 'no port: every protocol');
    assert.equal(normalizeUfwRule({ rule: 'allow', port: 80 }, 'r').family, undefined);
  });

  it('refuses rules ufw would refuse, naming the rule', () => {
    const bad: Array<[UfwRule, RegExp]> = [
      [{ rule: 'allow', port: 70000 }, /rules\[0\]: port '70000'/],
      [{ rule: 'allow', port: '22;rm' }, /is not a port/],
      [{ rule: 'allow', port: '9:5', proto: 'tcp' }, /is not a port/],
      [{ rule: 'allow', port: '80,443', proto: 'any' }, /needs proto 'tcp' or 'udp'/],
      [{ rule: 'allow', port: '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16' }, /at most 15 ports/],
      [{ rule: 'allow', port: 80, comment: "it's" }, /single quote/],
      [{ rule: 'allow', port: 80, from: '10.0.0.0/8', to: '2001:db8::1' }, /different IP versions/],
      [{ rule: 'allow', port: 80, from: 'example.com' }, /from: 'example.com' is not an IPv4/],
      [{ rule: 'allow', port: 80, route: true, direction: 'out' }, /route rule takes no direction/],
    ];
    for (const [rule, message] of bad) assert.throws(() => declare(rule), message, JSON.stringify(rule));
  });

  it('reads ufw tuples: apps, interfaces, route and log actions, hex comments', () => {
    assert.deepEqual(parseTupleLine('### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=737368'), {
      action: 'limit',
      route: false,
      direction: 'in',
      proto: 'tcp',
      dport: '22',
      dst: 'any',
      sport: 'any',
      src: 'any',
      dapp: '',
      sapp: '',
      comment: 'ssh',
    });
    const app = parseTupleLine('### tuple ### allow tcp 22 ::/0 any ::/0 Open%20SSH - in')!;
    assert.equal(app.dapp, 'Open SSH');
    assert.equal(app.direction, 'in');
    const route = parseTupleLine(
      '### tuple ### route:allow_log tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_docker0',
    )!;
    assert.equal(route.route, true);
    assert.equal(route.action, 'allow_log');
    assert.equal(route.direction, 'in_eth0!out_docker0');
    assert.equal(
      parseTupleLine('### tuple ### allow tcp 22'),
      undefined,
      'a malformed tuple is skipped, as ufw does',
    );
  });

  it('writes the ufw command for any rule it read, to add or delete it', () => {
    const args = (line: string, remove = false) => ufwRuleArgs(parseTupleLine(line)!, { remove }).join(' ');
    assert.equal(
      args('### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=737368'),
      'limit in proto tcp from any to any port 22 comment ssh',
    );
    assert.equal(
      args('### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=737368', true),
      'delete limit in proto tcp from any to any port 22',
      'ufw deletes without the comment',
    );
    assert.equal(
      args('### tuple ### allow tcp 22 ::/0 any ::/0 OpenSSH - in', true),
      'delete allow in from any to any app OpenSSH',
    );
    assert.equal(
      args('### tuple ### route:allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in', true),
      'route delete allow proto tcp from any to any port 8080',
    );
    assert.equal(
      args('### tuple ### allow_log udp 51820 0.0.0.0/0 any 0.0.0.0/0 in_eth0', true),
      'delete allow log in on eth0 proto udp from any to any port 51820',
    );
    assert.equal(
      args('### tuple ### deny tcp 25 192.0.2.1 any 0.0.0.0/0 out'),
      'deny out proto tcp from any to 192.0.2.1 port 25',
    );
    assert.equal(
      args('### tuple ### reject any any 0.0.0.0/0 any 203.0.113.9 in'),
      'reject in from 203.0.113.9 to any',
    );
  });

  it('describes rules in short lines', () => {
    assert.equal(describeUfwRule(declare({ rule: 'limit', port: 22, comment: 'ssh' })), 'limit 22/tcp # ssh');
    assert.equal(
      describeUfwRule(declare({ rule: 'allow', port: 6443, from: '10.0.0.0/8' })),
      'allow 6443/tcp from 10.0.0.0/8',
    );
    assert.equal(describeUfwRule(declare({ rule: 'allow', port: 80, route: true })), 'route allow 80/tcp');
    assert.equal(
      describeUfwRule(declare({ rule: 'deny', port: 25, direction: 'out', to: '192.0.2.1' })),
      'deny out 25/tcp to 192.0.2.1',
    );
    assert.equal(describeUfwRule(declare({ rule: 'deny', from: '203.0.113.9' })), 'deny from 203.0.113.9');
    assert.equal(describeUfwRule(declare({ rule: 'allow', port: 53, proto: 'any' })), 'allow 53');
  });

  it('keys rules as ufw matches them: action and comment aside', () => {
    assert.equal(
      tupleKey(declare({ rule: 'allow', port: 22 })),
      tupleKey(declare({ rule: 'limit', port: 22, comment: 'x' })),
    );
    assert.notEqual(
      tupleKey(declare({ rule: 'allow', port: 22 })),
      tupleKey(declare({ rule: 'allow', port: 22, proto: 'udp' })),
    );
  });

  it('tells which rules can match the same packet', () => {
    const overlap = (a: UfwRule, b: UfwRule) => tuplesOverlap(declare(a), declare(b));
    assert.equal(overlap({ rule: 'deny', from: '203.0.113.9' }, { rule: 'allow', port: 22 }), true);
    assert.equal(overlap({ rule: 'allow', port: 80 }, { rule: 'allow', port: 22 }), false);
    assert.equal(overlap({ rule: 'allow', port: '6000:6007' }, { rule: 'deny', port: '6005,7000' }), true);
    assert.equal(overlap({ rule: 'allow', port: 53, proto: 'udp' }, { rule: 'deny', port: 53 }), false);
    assert.equal(
      overlap(
        { rule: 'allow', port: 22, from: '10.0.0.0/8' },
        { rule: 'deny', port: 22, from: '192.168.0.0/16' },
      ),
      false,
    );
    assert.equal(overlap({ rule: 'allow', port: 22, direction: 'out' }, { rule: 'deny', port: 22 }), false);
  });
});
