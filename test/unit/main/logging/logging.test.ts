import { describe, expect, it, vi } from 'vitest';

/** What the electron-log stand-in received, one entry per call. */
const written: { level: string; args: unknown[] }[] = [];

// electron-log/main needs the Electron binary, which cannot run here: a stand-in records calls.
vi.mock('electron-log/main', () => {
  const at = (level: string) => (...args: unknown[]) => void written.push({ level, args });
  return {
    default: {
      transports: { file: { level: '', maxSize: 0, getFile: () => ({ path: '/tmp/qbf-logs/main.log' }) }, console: { level: '' } },
      errorHandler: { startCatching: () => undefined },
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    },
  };
});

describe('the Electron shell logger', () => {
  it('writes a hostile torrent name without ESC, CR/LF, C1 or bidi characters', async () => {
    const { setupLogging } = await import('../../../../electron/main/logging/logging');
    const { logger } = setupLogging();
    logger.info('added \u001b[2Jname\r\n[ADDED] fake\u009b31m\u202eevil to primary', { instance: 'primary' });
    const msg = String(written.at(-1)!.args[0]);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(msg).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(msg).toContain('[ADDED] fake');
    expect(written.at(-1)!.args[1]).toEqual({ instance: 'primary' });
  });
});
