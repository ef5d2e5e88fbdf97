import { OptionsError } from '../../errors.js';

/**
 * Validates an octal mode given as a string ('0644', '644', '1777') and returns its four-digit form.
 * Numbers are refused on purpose: `mode: 644` in TypeScript is decimal, Ansible's best-known trap.
 */
export function normalizeMode(mode: string, where: string): string {
  if (!/^[0-7]{3,4}$/.test(mode)) {
    throw new OptionsError(
      'BAD_MODE',
      `${where}: mode '${mode}' is not an octal mode; write it as a string such as '0644' or '0755'.`,
    );
  }
  return mode.padStart(4, '0');
}
