/** Which tasks `--tags` and `--skip-tags` select, with Ansible's special tags `always` and `never`. */
export interface TagFilter {
  tags?: string[];
  skipTags?: string[];
}

export function isSelected(taskTags: string[], filter: TagFilter): boolean {
  const tags = new Set(taskTags);
  if (filter.skipTags?.some((tag) => tags.has(tag) || tag === 'all')) return false;
  const wanted = filter.tags ?? [];
  if (wanted.length === 0 || wanted.includes('all')) return !tags.has('never') || wanted.includes('never');
  if (tags.has('always')) return true;
  if (wanted.includes('tagged') && tags.size > 0) return true;
  if (wanted.includes('untagged') && tags.size === 0) return true;
  return wanted.some((tag) => tags.has(tag));
}
