import assert from 'node:assert/strict';
import { Redactor } from '../secrets/redactor.js';
import { colorizeDiff, renderDiff } from './diff.js';

describe('renderDiff', () => {
  const redactor = new Redactor();

  it('renders a unified diff with before/after headers', () => {
    assert.equal(
      renderDiff('/etc/motd', 'one\ntwo\nthree\n', 'one\nTWO\nthree\nfour\n', { redactor }),
      [
        '--- before: /etc/motd',
        '+++ after: /etc/motd',
        '@@ -1,3 +1,4 @@',
        ' one',
        '-two',
        '+TWO',
        ' three',
        '+four',
        '',
      ].join('\n'),
    );
  });

  it('keeps 3 lines of context and marks a missing final newline', () => {
    const before = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8';
    const after = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\nL8';
    assert.equal(
      renderDiff('/x', before, after, { redactor }),
      [
        '--- before: /x',
        '+++ after: /x',
        '@@ -5,4 +5,4 @@',
        ' l5',
        ' l6',
        ' l7',
        '-l8',
        '\\ No newline at end of file',
        '+L8',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('returns an empty string when nothing differs', () => {
    assert.equal(renderDiff('/etc/motd', 'same\n', 'same\n', { redactor }), '');
  });

  it('masks registered secrets in the diff', () => {
    const secrets = new Redactor();
    secrets.add('rotated-pw-123');
    const diff = renderDiff('/etc/app.env', 'PW=old\n', 'PW=rotated-pw-123\n', { redactor: secrets });
    assert.ok(!diff.includes('rotated-pw-123'));
    assert.match(diff, /^\+PW=\*\*\*$/m);
  });

  it('colours only on request: red removals, green additions, cyan hunks', () => {
    const plain = renderDiff('/f', 'a\n', 'b\n', { redactor });
    assert.ok(!plain.includes('\x1b['));
    const colored = renderDiff('/f', 'a\n', 'b\n', { redactor, color: true });
    assert.equal(colored, colorizeDiff(plain));
    assert.ok(colored.includes('\x1b[31m-a\x1b[39m'), JSON.stringify(colored));
    assert.ok(colored.includes('\x1b[32m+b\x1b[39m'));
    assert.ok(colored.includes('\x1b[36m@@ -1,1 +1,1 @@\x1b[39m'));
    assert.ok(colored.includes('\x1b[1m--- before: /f\x1b[22m'));
  });
});
