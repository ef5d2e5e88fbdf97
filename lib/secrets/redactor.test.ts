import assert from 'node:assert/strict';
import { quote } from 'zx';
import { sh } from '../transport/shell.js';
import { Redactor } from './redactor.js';

describe('Redactor', () => {
  it('masks every occurrence of a plain value', () => {
    const r = new Redactor();
    r.add('s3cr3t-pw');
    assert.equal(r.redact('pw=s3cr3t-pw; again s3cr3t-pw'), 'pw=***; again ***');
  });

  it('leaves text alone when nothing is registered, and ignores empty values', () => {
    const r = new Redactor();
    r.add('');
    assert.equal(r.size, 0);
    assert.equal(r.redact('nothing to hide'), 'nothing to hide');
  });

  it("masks values in zx's $'...' form", () => {
    const r = new Redactor();
    const value = 'it\'s a "pw"\n$HOME';
    r.add(value);
    const command = `echo ${quote(value)} | chpasswd`;
    assert.ok(command.startsWith("echo $'") && !command.includes(value), command);
    assert.equal(r.redact(command), "echo $'***' | chpasswd");
  });

  it("masks values in POSIX '...' form, as sh builds commands", () => {
    const r = new Redactor();
    const value = "o'brien-pw\n2";
    r.add(value);
    assert.equal(r.redact(`echo 'o'\\''brien-pw\n2'`), "echo '***'");
    const command = sh`echo ${value} | chpasswd`.text;
    assert.ok(!command.includes(value), command);
    assert.equal(r.redact(command), "echo '***' | chpasswd");
  });

  it('masks JSON-escaped values', () => {
    const r = new Redactor();
    const value = 'pa"ss\\word\n2';
    r.add(value);
    const json = JSON.stringify({ password: value });
    assert.ok(!json.includes(value));
    assert.equal(r.redact(json), '{"password":"***"}');
  });

  it('masks URL-encoded values', () => {
    const r = new Redactor();
    r.add('p@ss/word');
    assert.equal(r.redact('postgres://app:p%40ss%2Fword@db/app'), 'postgres://app:***@db/app');
  });

  it('masks each line of a multi-line secret, whatever the line endings', () => {
    const r = new Redactor();
    const key = '-----BEGIN KEY-----\nAAAAbase64line1\nBBBBbase64line2\n-----END KEY-----\n';
    r.add(key);
    assert.equal(r.redact(`key:\n${key}`), 'key:\n***');
    assert.equal(r.redact('partial: BBBBbase64line2\r\nAAAAbase64line1\r\n'), 'partial: ***\r\n***\r\n');
  });

  it('replaces the longest value first', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    assert.equal(r.redact('abcdefgh abcd'), '*** ***');
  });

  it('treats regex metacharacters in values literally', () => {
    const r = new Redactor();
    r.add('a.b*c(d)');
    assert.equal(r.redact('a.b*c(d) axbbbcd'), '*** axbbbcd');
  });
});
