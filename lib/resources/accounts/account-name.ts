import { OptionsError } from '../../errors.js';

/**
 * Checks a user or group name against what useradd and groupadd accept without `--badname` (a letter or `_`
 * first, then letters, digits, `_ . -`, an optional final `$`, at most 32 characters), so a name can never be
 * read as an option or carry a `:` into /etc/passwd.
 */
export function accountName(name: string, where: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,30}\$?$/.test(name)) {
    throw new OptionsError(
      'BAD_ACCOUNT_NAME',
      `${where}: '${String(name)}' is not a valid user or group name (a letter or _ first, then letters, digits, _ . -; at most 32 characters).`,
    );
  }
  return name;
}

/** Checks a numeric uid or gid. */
export function accountId(id: number | undefined, where: string): number | undefined {
  if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > 4294967294)) {
    throw new OptionsError(
      'BAD_ACCOUNT_ID',
      `${where}: ${String(id)} is not a valid uid/gid (an integer ≥ 0).`,
    );
  }
  return id;
}
