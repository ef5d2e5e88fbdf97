import { createRequire } from 'node:module';
import { dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Nunjucks from 'nunjucks';
import { stringify } from 'yaml';
import { TaskError } from '../../errors.js';

/**
 * Renders a Jinja2-syntax template (what Ansible users' templates are) with nunjucks, configured like
 * Ansible's `template`: no HTML escaping, `trim_blocks` on, and an undefined variable is an error rather
 * than an empty string. `{% include %}` and `{% extends %}` resolve beside the template. Ansible's most
 * used filters are added to nunjucks' own (which cover Jinja2's, `default` included).
 */
export function renderTemplate(template: string | URL, vars: Record<string, unknown>): string {
  // Loaded on first use: a playbook without templates does not pay for nunjucks at start.
  const nunjucks = createRequire(import.meta.url)('nunjucks') as typeof Nunjucks;
  const path = template instanceof URL ? fileURLToPath(template) : template;
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dirname(path), { noCache: true }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
  });
  for (const [name, filter] of Object.entries(ansibleFilters)) env.addFilter(name, filter);
  try {
    return env.render(basename(path), vars);
  } catch (error) {
    const reason = (error as Error).message.replace(/^\(unknown path\)/, '').replace(/\s*\n\s*/g, ' ');
    throw new TaskError(
      'TEMPLATE_FAILED',
      `template ${path}: ${reason.trim()}. Fix the template or its vars.`,
      {
        cause: error,
      },
    );
  }
}

const ansibleFilters: Record<string, (value: unknown, ...args: never[]) => unknown> = {
  to_json: (value) => JSON.stringify(value),
  to_nice_json: (value, indent: number = 4) => JSON.stringify(value, null, indent),
  to_yaml: (value) => stringify(value).trimEnd(),
  to_nice_yaml: (value, indent: number = 4) => stringify(value, { indent }),
  bool: (value) => ['true', 'yes', 'on', '1'].includes(String(value).toLowerCase()),
  regex_replace: (value, pattern: string, replacement: string = '') =>
    String(value).replace(new RegExp(pattern, 'g'), replacement.replace(/\\(\d)/g, '$$$1')),
  b64encode: (value) => Buffer.from(String(value)).toString('base64'),
  b64decode: (value) => Buffer.from(String(value), 'base64').toString(),
};
