import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from './render-template.js';

const template = (name: string) => new URL(`./fixtures/templates/${name}`, import.meta.url);

describe('renderTemplate', () => {
  it('renders like Ansible: trim_blocks, no HTML escaping, includes beside the template, final newline kept', () => {
    assert.equal(
      renderTemplate(template('motd.j2'), { host: 'web-1', users: ['ann', 'bob'] }),
      'Welcome to web-1\n- ann\n- bob\nManaged by Bosun <&> web #1\n',
    );
  });

  it('accepts a path as well as a URL', () => {
    assert.equal(
      renderTemplate(fileURLToPath(template('footer.j2')), { host: 'h' }),
      'Managed by Bosun <&> h\n',
    );
  });

  it("offers Ansible's common filters", () => {
    assert.equal(
      renderTemplate(template('filters.j2'), { settings: { port: 22, users: ['ann'] } }),
      '{\n  "port": 22,\n  "users": [\n    "ann"\n  ]\n}\ntrue\n',
    );
  });

  it('fails on an undefined variable, naming the template and the line', () => {
    assert.throws(
      () => renderTemplate(template('undefined.j2'), {}),
      (error: Error & { code?: string }) =>
        error.code === 'TEMPLATE_FAILED' &&
        error.message.includes('undefined.j2') &&
        /Line 1/.test(error.message),
    );
  });

  it('fails on a missing template file', () => {
    assert.throws(() => renderTemplate(template('nope.j2'), {}), /template .*nope\.j2: .*not found/);
  });
});
