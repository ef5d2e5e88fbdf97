import { ParseError } from '../errors.js';

/** One problem in an inventory source: where it is and what would be valid. */
export interface InventoryIssue {
  file: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** Column, for YAML syntax errors. */
  column?: number;
  /** Path inside the file's content; shown dotted, e.g. `all.children.web.hosts.web1.bosun_port`. */
  path?: readonly string[];
  message: string;
}

/**
 * A bad inventory (exit 4). Carries every issue found in the file, so a user fixes them in one pass;
 * the message lists them as `file:line: path message`.
 */
export class InventoryError extends ParseError {
  constructor(
    code: string,
    readonly issues: InventoryIssue[],
  ) {
    super(code, formatIssues(issues));
  }
}

function formatIssues(issues: InventoryIssue[]): string {
  const lines = issues.map(formatIssue);
  return lines.length === 1
    ? `Invalid inventory: ${lines[0]}`
    : `Invalid inventory (${lines.length} problems):\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

function formatIssue(issue: InventoryIssue): string {
  const where = [issue.file, issue.line, issue.line === undefined ? undefined : issue.column]
    .filter((part) => part !== undefined)
    .join(':');
  return issue.path?.length
    ? `${where}: ${formatPath(issue.path)} ${issue.message}`
    : `${where}: ${issue.message}`;
}

/** `all.hosts["web1.example.com"].bosun_port`: a segment that holds a dot or a space is quoted. */
function formatPath(path: readonly string[]): string {
  return path
    .map((segment, i) => {
      if (/^[^\s.[\]"]+$/.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}
