/** Structured JSON logs (pino) with secrets redacted wherever they might appear. */
import pino, { Logger } from 'pino';
import { Context } from '@temporalio/activity';

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
