import assert from 'node:assert/strict';
import { isSelected } from './tags.js';

describe('tag selection (--tags / --skip-tags)', () => {
  it('runs everything but `never` tasks without filters', () => {
    assert.equal(isSelected([], {}), true);
    assert.equal(isSelected(['ssh'], {}), true);
    assert.equal(isSelected(['never'], {}), false);
  });
  it('selects tasks sharing a tag, plus `always`', () => {
    assert.equal(isSelected(['ssh', 'security'], { tags: ['ssh'] }), true);
    assert.equal(isSelected(['docker'], { tags: ['ssh'] }), false);
    assert.equal(isSelected([], { tags: ['ssh'] }), false);
    assert.equal(isSelected(['always'], { tags: ['ssh'] }), true);
  });
  it('understands the special tags tagged, untagged and all', () => {
    assert.equal(isSelected(['x'], { tags: ['tagged'] }), true);
    assert.equal(isSelected([], { tags: ['tagged'] }), false);
    assert.equal(isSelected([], { tags: ['untagged'] }), true);
    assert.equal(isSelected(['x'], { tags: ['all'] }), true);
  });
  it('lets --skip-tags win over --tags and over always', () => {
    assert.equal(isSelected(['ssh'], { tags: ['ssh'], skipTags: ['ssh'] }), false);
    assert.equal(isSelected(['always'], { skipTags: ['always'] }), false);
    assert.equal(isSelected(['docker'], { skipTags: ['ssh'] }), true);
  });
});
