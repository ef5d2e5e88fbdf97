/**
 * Shell lines that find the SSH session Bosun runs in: the nearest ancestor process whose environment
 * holds SSH_CONNECTION (sudo drops it from its child's environment, but the sudo process keeps it; reading
 * it needs root or the same user). Sets `login_user` and prints `login.user=` and `login.connection=`;
 * prints nothing without an SSH session (a local connection).
 */
export const loginSessionScript = String.raw`login_user=
pid=$$
while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
  conn=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p')
  if [ -n "$conn" ]; then
    login_user=$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n 's/^USER=//p')
    echo "login.connection=$conn"
    echo "login.user=$login_user"
    break
  fi
  pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
done`;

/** The login user and the host-side port of the session, from the values `loginSessionScript` printed. */
export function parseLoginSession(values: Map<string, string>): { user: string; port: number } | undefined {
  const connection = values.get('login.connection');
  const user = values.get('login.user');
  if (!connection || !user) return undefined;
  // SSH_CONNECTION: client address, client port, server address, server port.
  const port = Number(connection.split(/\s+/)[3]);
  return Number.isInteger(port) ? { user, port } : undefined;
}
