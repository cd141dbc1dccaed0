/** Errors raised by sandbox services, rendered in Tiki's own body shapes by the error handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' ? JSON.stringify(body) : String(body));
  }
}

/** Open API generic shape `{"errors": [...]}`. */
export function tikiError(status: number, ...messages: string[]): ApiError {
  return new ApiError(status, { errors: messages });
}

/** Product-update shape `{"errors": [...], "meta": {"source": "meepo", "id": "<trace id>"}}`. */
export function meepoError(status: number, traceId: string, messages: string[]): ApiError {
  return new ApiError(status, { errors: messages, meta: { source: 'meepo', id: traceId } });
}

/** Control API shape (not Tiki's): `{"error": "..."}`. */
export function controlError(status: number, message: string, details?: unknown): ApiError {
  return new ApiError(status, details === undefined ? { error: message } : { error: message, details });
}
