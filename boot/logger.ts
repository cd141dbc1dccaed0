/** Structured JSON logs (pino) with secrets redacted wherever they might appear. */
import pino, { Logger } from 'pino';
import { Context } from '@temporalio/activity';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';

export const REDACT_PATHS = [
  '*.accessToken',
  '*.clientSecret',
  '*.apiKey',
  '*.authorization',
  '*.Authorization',
  'req.headers.authorization',
  'req.headers["x-haravan-hmac-sha256"]',
  'headers.authorization',
  'haravan.accessToken',
  'tiki.clientSecret',
  'tiki.apiKey',
  'body.haravan.accessToken',
  'body.tiki.clientSecret',
  'body.tiki.apiKey',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: name }, mixin: temporalFields }, destination);
}

/** Inside an activity, every line also names its workflow and activity (so a log line leads to the Web UI). */
export function temporalFields(): Record<string, string> {
  try {
    const info = Context.current().info;
    const wf = info.workflowExecution;
    return wf ? { workflowId: wf.workflowId, runId: wf.runId, activityType: info.activityType, activityAttempt: String(info.attempt) } : { activityType: info.activityType };
  } catch {
    return {};
  }
}

const PINO_LEVEL: Record<LogLevel, pino.Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger interface over one of ours, for `Runtime.install({ logger })`: the SDK's own lines
 * (worker lifecycle, activity failures, forwarded core logs, `workflow.log`) become JSON lines of the same stream,
 * with their metadata as fields and an `error` serialized like ours (`err`, its stack one string field).
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}): void => {
    const { error, ...fields } = meta;
    logger[PINO_LEVEL[level] ?? 'info'](error === undefined ? fields : { ...fields, err: error }, message);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}
