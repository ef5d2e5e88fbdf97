import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * A unified diff of a file's content, headed `before: PATH` / `after: PATH`, without colour (the output
 * layer colours it). Binary content is named, not dumped: a diff of bytes helps nobody and may garble a terminal.
 */
export function contentDiff(path: string, before: Buffer | string, after: Buffer | string): string {
  const old = asText(before);
  const next = asText(after);
  if (old === undefined || next === undefined)
    return `Binary files before: ${path} and after: ${path} differ\n`;
  return createTwoFilesPatch(`before: ${path}`, `after: ${path}`, old, next, undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** The content as text, or undefined when it is binary (a NUL byte, or bytes that are not UTF-8). */
function asText(content: Buffer | string): string | undefined {
  if (typeof content === 'string') return content;
  if (content.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}
