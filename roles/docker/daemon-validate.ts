/**
 * The `validate` command of daemon.json: run by the atomic write on the new file (`%s`), before it replaces the
 * old one, so a setting dockerd refuses never reaches a restart.
 *
 * Engines from 23.0 on check a file with `dockerd --validate`. Older ones (Debian 12's docker.io is 20.10) have
 * no such flag: there dockerd loads the file exactly as at startup (unknown keys, wrong types, a setting given
 * both as a flag and in the file) and is then stopped at its pid-file check, before it creates a socket or
 * touches a container, by a pid file that names PID 1 (always alive). "pid file found" therefore means the file
 * was accepted; anything else is dockerd's complaint. `-H` mirrors the `-H fd://` of the packaged systemd unit,
 * so a `hosts` key is refused as the real start would refuse it. Values checked only later in dockerd's start
 * (log options such as `max-size`) pass this check on 20.10: the role's variables check those of its own.
 */
export const daemonJsonValidate = [
  'if dockerd --help 2>&1 | grep -q -- --validate; then',
  '  dockerd --validate --config-file %s',
  'else',
  '  pf=$(mktemp) && echo 1 > "$pf"',
  '  out=$(timeout 60 dockerd --config-file %s --pidfile "$pf" -H unix:///run/bosun-dockerd-validate.sock 2>&1) || true',
  '  rm -f "$pf"',
  '  case "$out" in',
  '    *"pid file found"*) ;;',
  '    *) echo "dockerd refused the new daemon.json: $out" >&2; exit 1 ;;',
  '  esac',
  'fi',
].join('\n');
