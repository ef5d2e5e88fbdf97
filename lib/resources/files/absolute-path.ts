import { isAbsolute, normalize } from 'node:path';
import { OptionsError } from '../../errors.js';

/** Checks that a resource manages an absolute path other than '/', and returns it normalized. */
export function absolutePath(path: string, where: string): string {
  if (typeof path !== 'string' || !isAbsolute(path) || normalize(path) === '/') {
    throw new OptionsError(
      'BAD_PATH',
      `${where}: path '${String(path)}' must be an absolute path other than '/', e.g. '/etc/motd'.`,
    );
  }
  return normalize(path).replace(/\/$/, '');
}
