import { dropInDir, dropInName, dropInPath } from './sshd-drop-in.js';
import { mainConfigPath } from './sshd-layout.js';

/**
 * The file resource's `validate` for the drop-in (`%s` is the new content's temporary path): `sshd -t` on
 * a copy of the whole configuration in a temporary folder, where sshd_config's Include of the drop-in
 * folder points to a copy of it holding the new file in place of the old. A drop-in alone cannot be
 * tested, and testing the live folder would read the old drop-in. Runs in a subshell so that its trap
 * leaves the upload script's own alone.
 */
export const dropInValidateCommand = `(
  set -e
  d=$(mktemp -d)
  trap 'rm -rf "$d"' EXIT
  mkdir "$d/sshd_config.d"
  for f in ${dropInDir}/*.conf; do
    if [ -f "$f" ] && [ "$f" != ${dropInPath} ]; then cp "$f" "$d/sshd_config.d/"; fi
  done
  cp %s "$d/sshd_config.d/${dropInName}"
  sed -E "s#^([[:space:]]*[Ii][Nn][Cc][Ll][Uu][Dd][Ee]([[:space:]]*=[[:space:]]*|[[:space:]]+))(/etc/ssh/)?sshd_config\\.d/#\\1$d/sshd_config.d/#" ${mainConfigPath} > "$d/sshd_config"
  /usr/sbin/sshd -t -f "$d/sshd_config"
)`;
