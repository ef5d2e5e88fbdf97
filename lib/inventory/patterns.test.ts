import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OptionsError } from '../errors.js';
import type { Inventory } from './inventory.js';
import { loadInventory } from './load-inventory.js';
import { selectHosts } from './patterns.js';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));

describe('selectHosts', () => {
  let inventory: Inventory;
  before(async () => {
    // Hosts: bastion.example.com (ungrouped), web1-3 + web-canary (web), db01/db02.example.com (db),
    // stage1 (staging); prod = web + db; empty has no hosts.
    inventory = await loadInventory([fixture('yaml/hosts.yml')]);
  });
  const select = (pattern: string) => selectHosts(inventory, pattern).map((host) => host.name);
  const everyone = [
    'bastion.example.com',
    'web1',
    'web2',
    'web3',
    'web-canary',
    'db01.example.com',
    'db02.example.com',
    'stage1',
  ];

  it('selects everything with all or *', () => {
    assert.deepEqual(select('all'), everyone);
    assert.deepEqual(select('*'), everyone);
  });

  it('selects a group (with its children) or a host by name', () => {
    assert.deepEqual(select('prod'), [
      'web1',
      'web2',
      'web3',
      'web-canary',
      'db01.example.com',
      'db02.example.com',
    ]);
    assert.deepEqual(select('ungrouped'), ['bastion.example.com']);
    assert.deepEqual(select('web2'), ['web2']);
    assert.deepEqual(select('empty'), [], 'an empty group matches without error');
  });

  it('matches globs against groups and hosts', () => {
    assert.deepEqual(select('web*'), ['web1', 'web2', 'web3', 'web-canary']);
    assert.deepEqual(select('*.example.com'), [
      'bastion.example.com',
      'db01.example.com',
      'db02.example.com',
    ]);
    assert.deepEqual(select('web?'), ['web1', 'web2', 'web3']);
    assert.deepEqual(select('db0[!1]*'), ['db02.example.com']);
    assert.deepEqual(select('stag*'), ['stage1'], 'a glob matching a group selects its hosts');
  });

  it('matches regexes with ~ (anchored at the start, like Python re.match)', () => {
    assert.deepEqual(select('~web\\d'), ['web1', 'web2', 'web3']);
    assert.deepEqual(select('~(db|stag)'), ['db01.example.com', 'db02.example.com', 'stage1']);
    assert.throws(
      () => select('~example'),
      /'~example' matches no host/,
      'not a search: must match from the start',
    );
  });

  it('joins terms with : or , and returns hosts in inventory order', () => {
    assert.deepEqual(select('staging:web1'), ['web1', 'stage1']);
    assert.deepEqual(select('db,web3'), ['web3', 'db01.example.com', 'db02.example.com']);
    assert.deepEqual(select('web1:web1'), ['web1']);
  });

  it('intersects with & and excludes with !', () => {
    assert.deepEqual(select('prod:&db'), ['db01.example.com', 'db02.example.com']);
    assert.deepEqual(select('prod:!web'), ['db01.example.com', 'db02.example.com']);
    assert.deepEqual(select('all:!prod:!ungrouped'), ['stage1']);
    assert.deepEqual(select('web:&db'), []);
  });

  it("applies unions first, then intersections, then exclusions, whatever the written order (Ansible's order)", () => {
    assert.deepEqual(select('!web2:&web:web*:db01.example.com'), ['web1', 'web3', 'web-canary']);
    assert.deepEqual(select('!web*:prod'), ['db01.example.com', 'db02.example.com']);
  });

  it('starts from all when there are only & and ! terms', () => {
    assert.deepEqual(select('!prod'), ['bastion.example.com', 'stage1']);
    assert.deepEqual(select('&db'), ['db01.example.com', 'db02.example.com']);
  });

  it('supports subscripts on a group: [index], [-index], [start:end], [start:]', () => {
    assert.deepEqual(select('web[0]'), ['web1']);
    assert.deepEqual(select('web[-1]'), ['web-canary']);
    assert.deepEqual(select('web[1:2]'), ['web2', 'web3']);
    assert.deepEqual(select('web[2:]'), ['web3', 'web-canary']);
    assert.deepEqual(select('db:web[0]'), ['web1', 'db01.example.com', 'db02.example.com']);
  });

  describe('errors', () => {
    const fails = (pattern: string, code: string, message: string | RegExp) =>
      assert.throws(
        () => selectHosts(inventory, pattern),
        (error: unknown) => {
          assert.ok(error instanceof OptionsError);
          assert.equal(error.exitCode, 5);
          assert.equal(error.code, code);
          if (typeof message === 'string') assert.equal(error.message, message);
          else assert.match(error.message, message);
          return true;
        },
      );

    it('names an unmatched term and lists the known groups', () => {
      fails(
        'web:wbe',
        'HOST_PATTERN_UNMATCHED',
        "Host pattern 'web:wbe': 'wbe' matches no host and no group. Known groups: all, db, empty, prod, staging, ungrouped, web.",
      );
    });

    it('rejects a typo in an exclusion instead of silently selecting everything', () => {
      fails('all:!prd', 'HOST_PATTERN_UNMATCHED', /'prd' matches no host and no group/);
    });

    it('rejects an unmatched glob or regex, an out-of-range subscript, a bad regex and an empty pattern', () => {
      fails('nothing*', 'HOST_PATTERN_UNMATCHED', /'nothing\*' matches no host and no group/);
      fails('~zzz', 'HOST_PATTERN_UNMATCHED', /'~zzz' matches no host and no group/);
      fails(
        'web[9]',
        'HOST_PATTERN_UNMATCHED',
        "Host pattern 'web[9]': 'web[9]' selects no host (it matches 4; indexes start at 0).",
      );
      fails('~web(', 'HOST_PATTERN_INVALID', /'~web\(' is not a valid regular expression/);
      fails(' , ', 'HOST_PATTERN_EMPTY', "Host pattern ' , ' is empty: use 'all' or a group or host name.");
    });
  });
});
