import type { UploadOptions } from './transport.js';
import { sh, raw } from './shell.js';

/**
 * The one shell script that installs a file atomically, content read from stdin: a temporary file beside
 * the target (same filesystem, so the rename is atomic), mode and owner set (kept from the old file when
 * not given), `validate` run on it, an optional backup, then rename. Any failure leaves the old file.
 * Prints `backup=PATH` when it made a backup.
 */
export function atomicUploadScript(path: string, options: UploadOptions = {}): string {
  const lines = [
    'set -e',
    String(sh`target=${path}`),
    'tmp=$(mktemp "$(dirname "$target")/.bosun-upload.XXXXXX")',
    `trap 'rm -f "$tmp"' EXIT`,
    'cat > "$tmp"',
  ];
  lines.push(
    options.mode
      ? String(sh`chmod ${options.mode} "$tmp"`)
      : 'if [ -e "$target" ]; then chmod --reference="$target" "$tmp"; else chmod 0644 "$tmp"; fi',
  );
  if (options.owner || options.group) {
    lines.push(
      String(sh`chown ${`${options.owner ?? ''}${options.group ? `:${options.group}` : ''}`} "$tmp"`),
    );
  } else {
    lines.push('if [ -e "$target" ]; then chown --reference="$target" "$tmp"; fi');
  }
  if (options.validate) {
    if (!options.validate.includes('%s'))
      throw new TypeError(`validate must contain %s: ${options.validate}`);
    lines.push(String(raw(options.validate.replaceAll('%s', '"$tmp"'))));
  }
  if (options.backup) {
    lines.push(
      'if [ -e "$target" ]; then backup="$target.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p "$target" "$backup"; echo "backup=$backup"; fi',
    );
  }
  lines.push('mv -f "$tmp" "$target"', 'trap - EXIT');
  return lines.join('\n');
}
