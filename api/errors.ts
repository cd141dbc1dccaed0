/** Every error the API answers has the shape `{ error: { code, message, messageVi, ... } }`. */
import type { NextFunction, Request, Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { MESSAGES, messageFor } from '../domain/messages';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message ?? messageFor(code).en);
  }
}

export const apiError = (code: string, message?: string, extra?: Record<string, unknown>) => new ApiError(messageFor(code).http ?? 400, code, message, extra);

export function zodIssues(err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Map a failed workflow update (validator or handler) to an API error. */
export function fromUpdateFailure(err: unknown): ApiError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  let cause: unknown = err.cause;
  while (cause && !(cause instanceof ApplicationFailure) && (cause as { cause?: unknown }).cause) cause = (cause as { cause?: unknown }).cause;
  if (cause instanceof ApplicationFailure) {
    const code = cause.type ?? 'INTERNAL';
    const known = messageFor(code);
    const status = known.http ?? (code.endsWith('_FAILED') || code.includes('VALIDATION') ? 422 : 409);
    const issues = code === 'VALIDATION_FAILED' ? (cause.details?.[0] as unknown) : undefined;
    // A vendor's failure (activities/errors.ts puts its system in the details) carries the vendor's text: the
    // caller gets our words for its code.
    const vendor = (cause.details?.[0] as { system?: unknown } | undefined)?.system;
    if (vendor && !(code in MESSAGES)) {
      const m = messageFor('VENDOR_REQUEST_FAILED');
      return new ApiError(status, code, m.en, { messageVi: m.vi });
    }
    return new ApiError(status, code, vendor ? known.en : cause.message, issues ? { issues } : {});
  }
  return undefined;
}

export function errorHandler(logger: { error: (o: object, m: string) => void }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof ZodError) e = new ApiError(400, 'VALIDATION_FAILED', messageFor('VALIDATION_FAILED').en, { issues: zodIssues(err) });
    else if ((err as { type?: string }).type === 'entity.too.large') e = apiError('PAYLOAD_TOO_LARGE');
    else if ((err as { type?: string }).type === 'entity.parse.failed') e = new ApiError(400, 'VALIDATION_FAILED', 'malformed JSON body', { issues: [{ path: '', message: 'malformed JSON' }] });
    else if (isClientHttpError(err)) {
      // Other body-parser refusals (unsupported charset or encoding, aborted or mis-sized body): the client's fault.
      e = new ApiError(err.status, 'VALIDATION_FAILED', err.message, { issues: [{ path: '', message: err.message }] });
    } else if (fromUpdateFailure(err)) e = fromUpdateFailure(err)!;
    else if (err instanceof WorkflowNotFoundError) e = apiError('CONNECTION_NOT_ACTIVE', 'the workflow is not running');
    else if (err instanceof WorkflowExecutionAlreadyStartedError) e = apiError('ALREADY_CONNECTED');
    else {
      logger.error({ err, path: req.path }, 'unhandled API error');
      e = apiError('INTERNAL');
    }
    const m = messageFor(e.code);
    res.status(e.status).json({ error: { code: e.code, message: e.message, messageVi: m.vi, ...e.extra } });
  };
}

/** An http-errors style 4xx (what express' body parsers throw): `{ status, expose: true }`. */
function isClientHttpError(err: unknown): err is { status: number; message: string } {
  const e = err as { status?: unknown; expose?: unknown } | null;
  return !!e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}
