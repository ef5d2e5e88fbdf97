import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { InventoryError, type InventoryIssue } from './inventory-error.js';
import { loadInventory } from './load-inventory.js';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));

/** Loads an invalid fixture and returns the issues as [file (relative to fixtures/), line, "path message"]. */
async function issuesOf(source: string, code: string): Promise<[string, number | undefined, string][]> {
  const error = await loadInventory([fixture(source)]).then(
    () => assert.fail(`${source} should be rejected`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InventoryError, String(error));
  assert.equal(error.code, code);
  assert.equal(error.exitCode, 4);
  return error.issues.map((issue: InventoryIssue) => [
    issue.file.slice(fixture('').length),
    issue.line,
    [issue.path?.join('.'), issue.message].filter(Boolean).join(' '),
  ]);
}

async function messageOf(source: string): Promise<string> {
  return loadInventory([fixture(source)]).then(
    () => assert.fail(`${source} should be rejected`),
    (e: Error) => e.message,
  );
}

describe('inventory validation', () => {
  it('names the file, line and path of a bad port, and what would be valid', async () => {
    assert.deepEqual(await issuesOf('invalid/bad-port.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/bad-port.yml',
        6,
        "all.children.web.hosts.web1.bosun_port must be an integer between 1 and 65535, got 'abc'",
      ],
      [
        'invalid/bad-port.yml',
        8,
        'all.children.web.hosts.web2.ansible_port must be an integer between 1 and 65535, got 70000',
      ],
    ]);
    assert.equal(
      await messageOf('invalid/bad-port.yml'),
      [
        'Invalid inventory (2 problems):',
        `  ${fixture('invalid/bad-port.yml')}:6: all.children.web.hosts.web1.bosun_port must be an integer between 1 and 65535, got 'abc'`,
        `  ${fixture('invalid/bad-port.yml')}:8: all.children.web.hosts.web2.ansible_port must be an integer between 1 and 65535, got 70000`,
      ].join('\n'),
    );
  });

  it('checks every typed connection key', async () => {
    assert.deepEqual(await issuesOf('invalid/types.yml', 'INVENTORY_INVALID'), [
      ['invalid/types.yml', 3, "all.vars.bosun_become must be a boolean (true or false), got 'maybe'"],
      ['invalid/types.yml', 4, "all.vars.bosun_connection must be 'ssh' or 'local', got 'winrm'"],
      [
        'invalid/types.yml',
        5,
        'all.vars.bosun_become_password_secret must be the name of a secret (letters, digits and _, not starting with a digit, e.g. SUDO_PASSWORD), never the password itself',
      ],
      [
        'invalid/types.yml',
        6,
        "all.vars.ansible_user must be a user name (a non-empty string without spaces), got ''",
      ],
      [
        'invalid/types.yml',
        10,
        "all.children.web.vars.ansible_group_priority must be an integer (groups of the same depth merge by priority, higher wins; default 1), got 'high'",
      ],
    ]);
  });

  it('never echoes what was written in a password or secret key', async () => {
    const message = await messageOf('invalid/types.yml');
    assert.doesNotMatch(message, /my sudo password/);
  });

  it('rejects literal passwords and points to bosun_become_password_secret, without printing them', async () => {
    const hint =
      'is not allowed: passwords are never written into inventories. Store the sudo password as a secret and set bosun_become_password_secret: <secret name>; SSH logins use keys (bosun_private_key_file)';
    assert.deepEqual(await issuesOf('invalid/literal-password.yml', 'INVENTORY_INVALID'), [
      ['invalid/literal-password.yml', 3, `all.vars.ansible_become_pass ${hint}`],
      ['invalid/literal-password.yml', 6, `all.hosts.web1.ansible_ssh_pass ${hint}`],
    ]);
    assert.deepEqual(await issuesOf('invalid/literal-password.ini', 'INVENTORY_INVALID'), [
      ['invalid/literal-password.ini', 2, `web.hosts.web1.ansible_password ${hint}`],
    ]);
    for (const source of ['invalid/literal-password.yml', 'invalid/literal-password.ini']) {
      assert.doesNotMatch(await messageOf(source), /hunter/);
    }
  });

  it('rejects unknown group keys, hosts written as a list, and a group that is not a mapping', async () => {
    assert.deepEqual(await issuesOf('invalid/unknown-key.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/unknown-key.yml',
        4,
        "all.children.web has an unknown key 'host'; expected a group: a mapping with optional 'hosts', 'children' and 'vars' keys (or empty)",
      ],
    ]);
    assert.deepEqual(await issuesOf('invalid/hosts-list.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/hosts-list.yml',
        4,
        "all.children.web.hosts must be a mapping of host names to their variables (a host with no variables is written 'web1:'), got a list",
      ],
    ]);
    assert.deepEqual(await issuesOf('invalid/group-not-mapping.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/group-not-mapping.yml',
        1,
        "web must be a group: a mapping with optional 'hosts', 'children' and 'vars' keys (or empty), got a list",
      ],
    ]);
    assert.deepEqual(await issuesOf('invalid/not-mapping.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/not-mapping.yml',
        1,
        "the file must be a mapping of group names (usually just 'all') to groups, got a list",
      ],
    ]);
  });

  it('rejects group and host names with spaces', async () => {
    assert.deepEqual(await issuesOf('invalid/bad-names.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/bad-names.yml',
        2,
        "all.children has an invalid key 'bad group': must be a non-empty name without spaces",
      ],
      [
        'invalid/bad-names.yml',
        4,
        "all.children.web.hosts has an invalid key 'web 1': must be a non-empty name without spaces",
      ],
    ]);
  });

  it('validates INI files after conversion, with the INI line', async () => {
    assert.deepEqual(await issuesOf('invalid/bad-port.ini', 'INVENTORY_INVALID'), [
      [
        'invalid/bad-port.ini',
        4,
        "web.hosts.web2.ansible_port must be an integer between 1 and 65535, got 'abc'",
      ],
      ['invalid/bad-port.ini', 7, "web.vars.bosun_become must be a boolean (true or false), got 'maybe'"],
    ]);
  });

  it('reports INI syntax errors with their line', async () => {
    assert.deepEqual(await issuesOf('invalid/ini-syntax.ini', 'INVENTORY_INI_SYNTAX'), [
      ['invalid/ini-syntax.ini', 2, "expected key=value after the host name, got 'http_port'"],
      ['invalid/ini-syntax.ini', 3, 'cannot read host line: no closing " quote'],
      [
        'invalid/ini-syntax.ini',
        5,
        "section [web:childs] has an unknown type 'childs': use [web], [web:vars] or [web:children]",
      ],
      [
        'invalid/ini-syntax.ini',
        8,
        'invalid section [bad group]: a section is [name], [name:vars] or [name:children], with no spaces',
      ],
    ]);
    assert.deepEqual(await issuesOf('invalid/ini-undefined.ini', 'INVENTORY_INI_SYNTAX'), [
      [
        'invalid/ini-undefined.ini',
        1,
        "[ghost:vars] is for group 'ghost', which has no [ghost] or [ghost:children] section",
      ],
      [
        'invalid/ini-undefined.ini',
        5,
        "[prod:children] names group 'web', which has no [web] or [web:children] section",
      ],
    ]);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const error = await loadInventory([fixture('invalid/yaml-syntax.yml')]).catch((e: InventoryError) => e);
    assert.ok(error instanceof InventoryError);
    assert.equal(error.code, 'INVENTORY_YAML_SYNTAX');
    assert.equal(
      error.message,
      `Invalid inventory: ${fixture('invalid/yaml-syntax.yml')}:6:9: YAML syntax error: Map keys must be unique`,
    );
  });

  it('rejects bad host ranges, naming the entry', async () => {
    assert.deepEqual(await issuesOf('invalid/bad-range.yml', 'INVENTORY_INVALID'), [
      [
        'invalid/bad-range.yml',
        3,
        'all.hosts.web[01:5] is not a valid host entry: host range [01:5] must give begin and end with the same number of digits',
      ],
      [
        'invalid/bad-range.yml',
        4,
        'all.hosts.db[a:3] is not a valid host entry: host range [a:3] must use numbers ([01:20]) or single letters ([a:f])',
      ],
    ]);
    assert.match(
      await messageOf('invalid/bad-range.yml'),
      /:3: all\.hosts\["web\[01:5\]"\] is not a valid host entry/,
    );
  });

  it('rejects cycles in children, including all as a child', async () => {
    assert.deepEqual(await issuesOf('invalid/cycle.yml', 'INVENTORY_CYCLE'), [
      [
        'invalid/cycle.yml',
        7,
        'all.children.a.children.b.children.a makes the groups a cycle: a → b → a (a group cannot contain itself)',
      ],
    ]);
    assert.deepEqual(await issuesOf('invalid/all-child.yml', 'INVENTORY_CYCLE'), [
      [
        'invalid/all-child.yml',
        5,
        "all.children.web.children.all makes 'all' a child of 'web': every group is already inside 'all'",
      ],
    ]);
  });

  it('rejects a name used for both a group and a host', async () => {
    assert.deepEqual(await issuesOf('invalid/name-clash.yml', 'INVENTORY_NAME_CLASH'), [
      [
        'invalid/name-clash.yml',
        8,
        `all.children.web.hosts.db names host 'db', which is also a group (${fixture('invalid/name-clash.yml')}:3): a name is either a host or a group; rename one`,
      ],
    ]);
  });

  it('validates group_vars/ and host_vars/ files, reporting all of them', async () => {
    assert.deepEqual(await issuesOf('invalid/bad-vars-files', 'INVENTORY_INVALID'), [
      [
        'invalid/bad-vars-files/group_vars/web.yml',
        2,
        'bosun_port must be an integer between 1 and 65535, got 0',
      ],
      [
        'invalid/bad-vars-files/host_vars/web1.yml',
        1,
        'the file must be a mapping of variable names to values, got a list',
      ],
    ]);
    assert.deepEqual(await issuesOf('invalid/vars-syntax', 'INVENTORY_YAML_SYNTAX'), [
      [
        'invalid/vars-syntax/group_vars/all',
        2,
        'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ]);
  });

  it('rejects ansible_group_priority in group_vars/, where Ansible ignores it', async () => {
    assert.deepEqual(await issuesOf('invalid/priority-in-group-vars', 'INVENTORY_INVALID'), [
      [
        'invalid/priority-in-group-vars/group_vars/web.yml',
        1,
        "ansible_group_priority is not allowed here: set it in the inventory file's group vars (Ansible ignores it in group_vars/ files)",
      ],
    ]);
  });
});
