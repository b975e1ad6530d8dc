import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';

/**
 * JSON logs on stdout, one object a line. Credentials are redacted wherever they could appear
 * (headers, connection params), so a log file never leaks a token.
 */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'mdm-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'connectionParams.*',
        '*.privateKeyPem',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
