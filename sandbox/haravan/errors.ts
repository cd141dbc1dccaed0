/** Errors the simulator answers with Haravan's `{"errors": ...}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string | Record<string, string[]> | string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof errors === 'string' ? errors : JSON.stringify(errors));
    this.name = 'ApiError';
  }
}

export const notFound = (what = 'Not Found'): ApiError => new ApiError(404, what);
export const unprocessable = (message: string): ApiError => new ApiError(422, message);
export const badRequest = (message: string): ApiError => new ApiError(400, message);
