import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/core/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', stream), text: () => lines.join('') };
}

describe('the logger', () => {
  it('logs a failed query by its SQL and the database error, never its parameters', () => {
    const { log, text } = capture();
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_email"'), { code: '23505' });
    log.error({ err: new DrizzleQueryError('insert into "users" ("email", "password_hash") values ($1, $2)', ['someone@acme.test', '$argon2id$v=19$secret'], cause) }, 'failed');
    const out = text();
    expect(out).toContain('insert into \\"users\\"');
    expect(out).toContain('users_email');
    expect(out).toContain('23505');
    expect(out).not.toContain('someone@acme.test');
    expect(out).not.toContain('argon2id');
  });

  it('logs other errors with their message and stack', () => {
    const { log, text } = capture();
    log.error({ err: new Error('disk full') }, 'failed');
    expect(text()).toContain('disk full');
    expect(text()).toMatch(/"stack":"Error: disk full\\n\s+at /);
  });
});
