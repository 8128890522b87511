import { Writable } from 'node:stream';
import { createLogger, scrub } from './logger';

const KEY = 'key_' + 'a1B2'.repeat(16);

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('never writes a configured key or a key-shaped token, wherever it appears', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'debug', secrets: ['my-plain-secret-value'], destination });
    log.info(`calling with ${KEY}`);
    log.info({ req: { headers: { authorization: 'Basic ' + Buffer.from(`${KEY}:`).toString('base64') } } }, 'request');
    log.warn({ err: new Error(`upstream rejected ${KEY}`) }, 'failed');
    log.error({ nested: { deeper: ['my-plain-secret-value', `crsr_${'x'.repeat(64)}`] }, apiKey: 'anything' }, 'boom');
    const out = lines.join('');
    expect(lines).toHaveLength(4);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('a1B2a1B2');
    expect(out).not.toContain(Buffer.from(`${KEY}:`).toString('base64'));
    expect(out).not.toContain('my-plain-secret-value');
    expect(out).not.toContain('x'.repeat(20));
    expect(out).not.toContain('anything');
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('upstream rejected'); // the message itself survives
  });

  it('scrub leaves ordinary text alone', () => {
    expect(scrub('monkey_business is fine, key_ab too short')).toBe('monkey_business is fine, key_ab too short');
    expect(scrub(`Authorization: Bearer abcdefghijkl`)).toBe('Authorization: Bearer [REDACTED]');
  });
});
