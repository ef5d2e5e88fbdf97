import assert from 'node:assert/strict';
import { InventoryError } from './inventory-error.js';
import { parseIni } from './load-ini.js';

const ini = (...lines: string[]) => parseIni(lines.join('\n'), 'hosts.ini');

function syntaxError(...lines: string[]): InventoryError {
  try {
    ini(...lines);
  } catch (error) {
    assert.ok(error instanceof InventoryError);
    assert.equal(error.code, 'INVENTORY_INI_SYNTAX');
    assert.equal(error.exitCode, 4);
    return error;
  }
  assert.fail('expected an INI syntax error');
}

describe('parseIni', () => {
  it('reads groups, host lines, :vars and :children into the YAML inventory shape', () => {
    const doc = ini(
      'loose1',
      '[web]',
      'web[1:2] http_port=80 name="two words"',
      '[web:vars]',
      'ntp = ntp.example.com',
      '[prod:children]',
      'web',
    );
    assert.equal(doc.format, 'ini');
    assert.deepEqual(doc.data, {
      ungrouped: { hosts: { loose1: {} } },
      web: { hosts: { 'web[1:2]': { http_port: 80, name: 'two words' } }, vars: { ntp: 'ntp.example.com' } },
      prod: { children: { web: null } },
    });
  });

  it('keeps the line of every entry, falling back to the nearest parent', () => {
    const doc = ini('# comment', '[web]', 'web1 a=1', '', 'web2', '[web:vars]', 'b=2');
    assert.equal(doc.lineOf(['web']), 2);
    assert.equal(doc.lineOf(['web', 'hosts', 'web1', 'a']), 3);
    assert.equal(doc.lineOf(['web', 'hosts', 'web2']), 5);
    assert.equal(doc.lineOf(['web', 'hosts', 'web2', 'nope']), 5);
    assert.equal(doc.lineOf(['web', 'vars', 'b']), 7);
  });

  it('merges a host listed twice in a group; skips comments and blank lines', () => {
    const doc = ini(
      '[web]',
      'web1 a=1 b=1',
      '  # indented comment',
      '',
      '; semicolon comment',
      'web1 b=2 # comment',
    );
    assert.deepEqual(doc.data, { web: { hosts: { web1: { a: 1, b: 2 } } } });
  });

  it('reads become keys as Ansible booleans, other values as Python literals', () => {
    const doc = ini('h1 ansible_become=yes bosun_become=Off other=yes', 'h2 ansible_become=1');
    assert.deepEqual(doc.data, {
      ungrouped: {
        hosts: {
          h1: { ansible_become: true, bosun_become: false, other: 'yes' },
          h2: { ansible_become: true },
        },
      },
    });
  });

  it('accepts [g:vars] and [parent:children] before [g] is declared, like Ansible', () => {
    const doc = ini('[web:vars]', 'x=1', '[prod:children]', 'web', '[web]', 'web1');
    assert.deepEqual(Object.keys(doc.data as object), ['web', 'prod']);
  });

  it('lets [g:vars] and [parent:children] name groups from earlier inventory files', () => {
    const doc = parseIni('[web:vars]\nx=1\n[prod:children]\nweb', 'more.ini', ['all', 'ungrouped', 'web']);
    assert.deepEqual(doc.data, { web: { vars: { x: 1 } }, prod: { children: { web: null } } });
  });

  it('reports every syntax error with its line', () => {
    const error = syntaxError(
      '[web]',
      'web1 http_port',
      'web2 note="unclosed',
      '[web:childs]',
      'app',
      '[bad group]',
      '[prod:children]',
      'bad child name',
    );
    assert.deepEqual(
      error.issues.map((i) => [i.line, i.message]),
      [
        [2, "expected key=value after the host name, got 'http_port'"],
        [3, 'cannot read host line: no closing " quote'],
        [4, "section [web:childs] has an unknown type 'childs': use [web], [web:vars] or [web:children]"],
        [
          6,
          'invalid section [bad group]: a section is [name], [name:vars] or [name:children], with no spaces',
        ],
        [8, "expected a group name in [prod:children], got 'bad child name'"],
      ],
    );
    assert.match(error.message, /^Invalid inventory \(5 problems\):\n {2}hosts\.ini:2: expected key=value/);
  });

  it('rejects a vars line without =', () => {
    const error = syntaxError('[web]', 'web1', '[web:vars]', 'just text');
    assert.equal(
      error.message,
      "Invalid inventory: hosts.ini:4: expected key=value in [web:vars], got 'just text'",
    );
  });

  it('rejects [g:vars] and children for groups never declared', () => {
    const error = syntaxError('[ghost:vars]', 'x=1', '[prod:children]', 'web');
    assert.deepEqual(
      error.issues.map((i) => [i.file, i.line, i.message]),
      [
        [
          'hosts.ini',
          1,
          "[ghost:vars] is for group 'ghost', which has no [ghost] or [ghost:children] section",
        ],
        ['hosts.ini', 4, "[prod:children] names group 'web', which has no [web] or [web:children] section"],
      ],
    );
  });
});
