import assert from 'node:assert/strict';
import { ParseError } from '../errors.js';
import { parseEnvFile } from './env-file.js';

const parse = (text: string) => Object.fromEntries(parseEnvFile(text, 'prod.env'));

function assertSyntaxError(text: string, where: string, secret?: string) {
  assert.throws(
    () => parseEnvFile(text, 'prod.env'),
    (error: unknown) => {
      assert.ok(error instanceof ParseError);
      assert.equal(error.code, 'ENV_FILE_SYNTAX');
      assert.equal(error.exitCode, 4);
      assert.ok(error.message.startsWith(`${where}: `), error.message);
      if (secret) assert.ok(!error.message.includes(secret), error.message);
      return true;
    },
  );
}

describe('parseEnvFile', () => {
  it('reads KEY=value lines, export prefixes, comments and blank lines', () => {
    const text = [
      '# database',
      'DB_USER=app',
      '',
      'export DB_PASSWORD=hunter2 # inline comment',
      '  API_TOKEN = tok-123  ',
      'EMPTY=',
    ].join('\n');
    assert.deepEqual(parse(text), {
      DB_USER: 'app',
      DB_PASSWORD: 'hunter2',
      API_TOKEN: 'tok-123',
      EMPTY: '',
    });
  });

  it('reads single, double and back-quoted values, keeping # and spaces inside quotes', () => {
    const text = `A='x # not a comment'\nB="two  words" # comment\nC=\`back'tick"\`\nD='$NOT_EXPANDED'`;
    assert.deepEqual(parse(text), {
      A: 'x # not a comment',
      B: 'two  words',
      C: `back'tick"`,
      D: '$NOT_EXPANDED',
    });
  });

  it('reads multi-line double-quoted values and expands \\n in double quotes', () => {
    const text = 'KEY="-----BEGIN-----\nline1\n-----END-----"\nNEXT="a\\nb"\nRAW=\'a\\nb\'\r\nAFTER=1';
    assert.deepEqual(parse(text), {
      KEY: '-----BEGIN-----\nline1\n-----END-----',
      NEXT: 'a\nb',
      RAW: 'a\\nb',
      AFTER: '1',
    });
  });

  it('lets a later line override an earlier one', () => {
    assert.deepEqual(parse('A=1\nA=2'), { A: '2' });
  });

  it('names the file and line of a line without "=", without quoting it', () => {
    assertSyntaxError('A=1\n\nsupersecretvalue\n', 'prod.env:3', 'supersecretvalue');
  });

  it('rejects an invalid variable name', () => {
    assertSyntaxError('1BAD=x', 'prod.env:1');
    assertSyntaxError('A=1\nMY-KEY=x', 'prod.env:2');
  });

  it('rejects an unterminated quote at the line where the value starts', () => {
    assertSyntaxError('A=1\nB="never closed s3cret\nC=3\n', 'prod.env:2', 's3cret');
  });

  it('rejects text after the closing quote, at the line of the closing quote', () => {
    assertSyntaxError('A="multi\nline" tail-s3cret', 'prod.env:2', 's3cret');
    assertSyntaxError('A="a\\"b"', 'prod.env:1');
  });
});
