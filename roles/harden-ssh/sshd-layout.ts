import { dropInDir, dropInName, dropInPath } from './sshd-drop-in.js';

export const mainConfigPath = '/etc/ssh/sshd_config';

/** The configuration files sshd reads, as the probe found them. */
export interface SshdLayout {
  /** The text of /etc/ssh/sshd_config. */
  main: string;
  /** The other `*.conf` files of sshd_config.d (the role's own left out), with their text. */
  dropIns: { name: string; content: string }[];
}

interface Directive {
  keyword: string;
  args: string;
  /** 1-based line number. */
  line: number;
  /** False inside a Match block: it applies to some connections only. */
  global: boolean;
}

/** The directives of one file: `Keyword value` or `Keyword=value`, comments and blank lines skipped. */
export function parseDirectives(text: string): Directive[] {
  const directives: Directive[] = [];
  let global = true;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([^\s=]+)\s*(?:=\s*|\s)?(.*)$/.exec(line)!;
    const keyword = match[1].toLowerCase();
    const args = match[2].trim();
    // A Match block lasts until the next Match; `Match all` goes back to every connection.
    if (keyword === 'match') global = args.toLowerCase() === 'all';
    directives.push({ keyword, args, line: index + 1, global: global && keyword !== 'match' });
  });
  return directives;
}

/** Keywords of which sshd keeps every line, not only the first: another file setting them adds to ours. */
const accumulating = new Set([
  'port',
  'listenaddress',
  'hostkey',
  'hostcertificate',
  'allowusers',
  'allowgroups',
  'denyusers',
  'denygroups',
]);

const includesDropIns = (args: string) =>
  args.split(/\s+/).some((path) => path === `${dropInDir}/*.conf` || path === 'sshd_config.d/*.conf');

/** The global `Include` line of sshd_config that reads the drop-in folder, if any. */
function dropInInclude(main: string): Directive | undefined {
  return parseDirectives(main).find(
    (directive) => directive.global && directive.keyword === 'include' && includesDropIns(directive.args),
  );
}

/** Drop-ins in the order sshd reads them (glob order: bytewise), split around the role's own. */
function aroundDropIn(layout: SshdLayout) {
  const sorted = [...layout.dropIns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    before: sorted.filter((file) => file.name < dropInName),
    after: sorted.filter((file) => file.name > dropInName),
  };
}

/**
 * Why the role's drop-in would not decide the settings it sets: sshd_config does not include the folder,
 * a file read earlier sets the same keyword (sshd keeps the first value), or any other file sets a keyword
 * of which sshd keeps every line (Port, HostKey, AllowUsers, ...). Pure, from the files' text.
 */
export function layoutProblems(layout: SshdLayout, keywords: string[]): string[] {
  const include = dropInInclude(layout.main);
  if (!include) {
    return [
      `${mainConfigPath} does not include ${dropInDir}/*.conf, so sshd would never read ${dropInPath}: ` +
        `add the line \`Include ${dropInDir}/*.conf\` at the top of ${mainConfigPath} (Debian 12 and Ubuntu ship it there).`,
    ];
  }
  const ours = new Set(keywords);
  const { before, after } = aroundDropIn(layout);
  const mainDirectives = parseDirectives(layout.main);
  const sources = [
    { file: mainConfigPath, early: true, directives: mainDirectives.filter((d) => d.line < include.line) },
    ...before.map((f) => ({
      file: `${dropInDir}/${f.name}`,
      early: true,
      directives: parseDirectives(f.content),
    })),
    ...after.map((f) => ({
      file: `${dropInDir}/${f.name}`,
      early: false,
      directives: parseDirectives(f.content),
    })),
    { file: mainConfigPath, early: false, directives: mainDirectives.filter((d) => d.line > include.line) },
  ];
  const problems: string[] = [];
  for (const { file, early, directives } of sources) {
    for (const directive of directives) {
      if (!directive.global || !ours.has(directive.keyword)) continue;
      if (accumulating.has(directive.keyword)) {
        problems.push(
          `${file} line ${directive.line} sets ${directive.keyword} too; sshd adds up every ${directive.keyword} line, so the role could not decide it: remove that line.`,
        );
      } else if (early) {
        problems.push(
          `${file} line ${directive.line} sets ${directive.keyword} before sshd reads ${dropInPath}; sshd keeps the first value, so the role's would not apply: remove that line.`,
        );
      }
    }
  }
  return problems;
}

/** sshd's whole configuration as it would be with the new drop-in, for `sshd -t -f /dev/stdin`. */
export interface PlannedConfig {
  text: string;
  /** Line of sshd_config whose Include the new lines replace. */
  includeLine: number;
  /** How many lines replace it. */
  insertedLines: number;
  /** 1-based lines of the text where the drop-in's content starts and ends. */
  dropInFirstLine: number;
  dropInLastLine: number;
}

/**
 * The effective configuration after the change, without writing anything: sshd_config with its Include of
 * the folder replaced by the other drop-ins (named one by one, in glob order) and the new drop-in's text
 * inline at its place. The old drop-in is left out, as the new one will replace it. Needs the Include.
 */
export function plannedConfig(layout: SshdLayout, dropInContent: string): PlannedConfig | undefined {
  const include = dropInInclude(layout.main);
  if (!include) return undefined;
  const { before, after } = aroundDropIn(layout);
  const includeOf = (files: { name: string }[]) =>
    files.length > 0 ? [`Include ${files.map((f) => `${dropInDir}/${f.name}`).join(' ')}`] : [];
  const otherPatterns = include.args.split(/\s+/).filter((path) => !includesDropIns(path));
  const ours = dropInContent.replace(/\n$/, '').split('\n');
  const inserted = [
    ...includeOf(before),
    ...ours,
    ...includeOf(after),
    ...(otherPatterns.length > 0 ? [`Include ${otherPatterns.join(' ')}`] : []),
  ];
  const mainLines = layout.main.split('\n');
  const dropInFirstLine = include.line + includeOf(before).length;
  return {
    text: [...mainLines.slice(0, include.line - 1), ...inserted, ...mainLines.slice(include.line)].join('\n'),
    includeLine: include.line,
    insertedLines: inserted.length,
    dropInFirstLine,
    dropInLastLine: dropInFirstLine + ours.length - 1,
  };
}

/**
 * `sshd -t` output about the planned configuration read from stdin, with its line numbers turned back into
 * the files they come from: `/dev/stdin line 31` → `/etc/ssh/sshd_config.d/00-bosun-hardening.conf line 28`.
 */
export function explainSshdTest(output: string, planned: PlannedConfig): string {
  const where = (line: number): string => {
    if (line < planned.includeLine) return `${mainConfigPath} line ${line}`;
    if (line >= planned.dropInFirstLine && line <= planned.dropInLastLine)
      return `${dropInPath} line ${line - planned.dropInFirstLine + 1}`;
    if (line < planned.includeLine + planned.insertedLines)
      return `${mainConfigPath} line ${planned.includeLine}`;
    return `${mainConfigPath} line ${line - planned.insertedLines + 1}`;
  };
  return output
    .replace(/\/dev\/stdin:? line (\d+)/g, (_, line: string) => where(Number(line)))
    .replaceAll('/dev/stdin', 'the planned configuration')
    .trim();
}
