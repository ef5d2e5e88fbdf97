import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { redactor as processRedactor, type Redactor } from '../secrets/redactor.js';
import { createStyle } from './style.js';

export interface RenderDiffOptions {
  color?: boolean;
  redactor?: Redactor;
}

/**
 * A unified diff of a file's content (`--- before: PATH` / `+++ after: PATH`, 3 lines of context),
 * with registered secrets masked; '' when the contents are equal. A value that was never registered,
 * such as the old password in a file being rotated, cannot be masked.
 */
export function renderDiff(
  path: string,
  before: string,
  after: string,
  options: RenderDiffOptions = {},
): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    `before: ${path}`,
    `after: ${path}`,
    before,
    after,
    undefined,
    undefined,
    {
      context: 3,
      headerOptions: FILE_HEADERS_ONLY,
    },
  );
  const text = (options.redactor ?? processRedactor).redact(patch);
  return options.color ? colorizeDiff(text) : text;
}

const style = createStyle(true);

/** Colours a unified diff line by line: headers bold, removals red, additions green, hunks cyan. */
export function colorizeDiff(diffText: string): string {
  return diffText
    .split('\n')
    .map((line) => {
      if (line.startsWith('--- ') || line.startsWith('+++ ')) return style.bold(line);
      if (line.startsWith('@@')) return style.cyan(line);
      if (line.startsWith('-')) return style.red(line);
      if (line.startsWith('+')) return style.green(line);
      if (line.startsWith('\\')) return style.dim(line);
      return line;
    })
    .join('\n');
}
