import assert from 'node:assert/strict';
import { contentDiff } from './content-diff.js';

describe('contentDiff', () => {
  it('is a plain unified diff with before/after headers', () => {
    assert.equal(
      contentDiff('/etc/hosts', 'a\nb\nc\n', 'a\nB\nc\n'),
      '--- before: /etc/hosts\n+++ after: /etc/hosts\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    );
  });

  it('marks a missing final newline', () => {
    assert.equal(
      contentDiff('/x', 'a\n', 'a'),
      '--- before: /x\n+++ after: /x\n@@ -1,1 +1,1 @@\n-a\n+a\n\\ No newline at end of file\n',
    );
  });

  it('names binary content rather than printing it', () => {
    assert.equal(
      contentDiff('/x', Buffer.from([0xff, 0xfe]), 'text'),
      'Binary files before: /x and after: /x differ\n',
    );
  });
});
