import assert from 'node:assert/strict';
import { accessProblems, keyLoginRefusal, type AccessPolicy, type AccessState } from './access-check.js';

const policy = (overrides: Partial<AccessPolicy> = {}): AccessPolicy => ({
  permitRootLogin: 'no',
  pubkeyAuthentication: true,
  allowUsers: [],
  allowGroups: [],
  allowLoginChangeForConnectingUser: false,
  ...overrides,
});
const root = { name: 'root', groups: ['root'] };
const deploy = { name: 'deploy', groups: ['deploy', 'sudo'] };
const state = (login: AccessState['login'], keyUsers = [root, deploy]): AccessState => ({ login, keyUsers });

describe('keyLoginRefusal', () => {
  it('follows PermitRootLogin for root only', () => {
    assert.match(keyLoginRefusal(root, policy())!, /PermitRootLogin no refuses root/);
    assert.match(
      keyLoginRefusal(root, policy({ permitRootLogin: 'forced-commands-only' }))!,
      /forced-commands-only/,
    );
    assert.equal(keyLoginRefusal(root, policy({ permitRootLogin: 'prohibit-password' })), undefined);
    assert.equal(keyLoginRefusal(deploy, policy()), undefined);
  });

  it("matches AllowUsers patterns on their user part and AllowGroups on the account's groups", () => {
    assert.equal(keyLoginRefusal(deploy, policy({ allowUsers: ['dep*'] })), undefined);
    assert.equal(keyLoginRefusal(deploy, policy({ allowUsers: ['deploy@10.0.0.0/8'] })), undefined);
    assert.equal(keyLoginRefusal(deploy, policy({ allowUsers: ['d?ploy'] })), undefined);
    assert.match(
      keyLoginRefusal(deploy, policy({ allowUsers: ['alice', 'd.ploy'] }))!,
      /not in AllowUsers \(alice d\.ploy\)/,
    );
    assert.equal(keyLoginRefusal(deploy, policy({ allowGroups: ['sudo'] })), undefined);
    assert.match(
      keyLoginRefusal(deploy, policy({ allowGroups: ['ssh*'] }))!,
      /none of AllowGroups \(ssh\*\)/,
    );
    assert.match(
      keyLoginRefusal(deploy, policy({ allowUsers: ['deploy'], allowGroups: ['wheel'] }))!,
      /AllowGroups/,
      'sshd requires both lists to let the user in',
    );
  });
});

describe('accessProblems', () => {
  it('accepts settings that keep the connecting user in', () => {
    assert.deepEqual(accessProblems(state(deploy), policy({ allowUsers: ['deploy'] })), []);
    assert.deepEqual(accessProblems(state(root), policy({ permitRootLogin: 'prohibit-password' })), []);
  });

  it('refuses PermitRootLogin no while Bosun logs in as root, naming a user to connect as instead', () => {
    const [problem, ...rest] = accessProblems(state(root), policy());
    assert.deepEqual(rest, []);
    assert.match(
      problem,
      /^root, the user Bosun logs in as, could no longer log in: PermitRootLogin no refuses root/,
    );
    assert.match(problem, /deploy can log in with a key afterwards/);
    assert.match(problem, /bosun_user: deploy, bosun_become: true/);
    assert.match(problem, /permitRootLogin: 'prohibit-password'/);
  });

  it('says so when no other user has a key either', () => {
    const [problem] = accessProblems(state(root, [root]), policy());
    assert.match(problem, /no other user has an authorized key that the new settings accept/);
    assert.match(problem, /Create a user with a key and sudo first/);
  });

  it('refuses an AllowUsers that excludes the connecting user', () => {
    const [problem] = accessProblems(state(deploy), policy({ allowUsers: ['alice'] }));
    assert.match(
      problem,
      /^deploy, the user Bosun logs in as, could no longer log in: it is not in AllowUsers \(alice\)/,
    );
    assert.match(problem, /Allow deploy \(allowUsers \/ allowGroups\)/);
    assert.match(problem, /allowLoginChangeForConnectingUser: true/);
  });

  it('lets the override skip the connecting-user check, never pubkeyAuthentication false', () => {
    const override = { allowUsers: ['alice'], allowLoginChangeForConnectingUser: true };
    assert.deepEqual(accessProblems(state(deploy), policy(override)), []);
    assert.match(
      accessProblems(state(deploy), policy({ ...override, pubkeyAuthentication: false })).join(),
      /turns key logins off/,
    );
  });

  it('without an SSH session, needs some user with a key that the settings accept', () => {
    assert.deepEqual(accessProblems(state(undefined), policy()), []);
    assert.match(
      accessProblems(state(undefined), policy({ allowUsers: ['alice'] })).join(),
      /no one could log in with a key/,
    );
  });
});
