/** The worker's activity interceptor: vendor errors become typed Temporal failures in one place. */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { ConnectorError, type ConnectorErrorCode } from '../../../connectors/errors';
import { ConnectorErrorInterceptor, classifyVendorErrors } from '../../../worker/activity-interceptor';

const input = { args: [], headers: {} } as unknown as ActivityExecuteInput;

async function thrownBy(err: unknown): Promise<unknown> {
  const interceptor = new ConnectorErrorInterceptor();
  try {
    await interceptor.execute(input, async () => {
      throw err;
    });
  } catch (e) {
    return e;
  }
  throw new Error('the interceptor swallowed the error');
}

describe('ConnectorErrorInterceptor', () => {
  it.each<[ConnectorErrorCode, 'haravan' | 'tiki', boolean]>([
    ['AUTH_FAILED', 'tiki', true],
    ['FORBIDDEN', 'haravan', true],
    ['CONNECTION_PAUSED', 'tiki', true],
    ['NOT_FOUND', 'haravan', true],
    ['VALIDATION', 'haravan', true],
    ['CONFLICT', 'tiki', true],
    ['BAD_RESPONSE', 'tiki', true],
    ['NETWORK', 'haravan', false],
    ['TIMEOUT', 'tiki', false],
    ['SERVER_ERROR', 'haravan', false],
    ['RATE_LIMITED', 'haravan', false],
  ])('%s from %s → typed failure, nonRetryable=%p', async (code, system, nonRetryable) => {
    const err = new ConnectorError({ system, code, message: `boom ${code}`, status: 418, route: 'GET /x' });
    const f = (await thrownBy(err)) as ApplicationFailure;
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.type).toBe(`${system.toUpperCase()}_${code}`);
    expect(f.nonRetryable).toBe(nonRetryable);
    expect(f.message).toBe(`boom ${code}`);
    expect(f.details).toEqual([{ system, code, status: 418, route: 'GET /x' }]);
    expect(f.nextRetryDelay).toBeUndefined();
  });

  it.each([
    [2_500, 2_500],
    [0, 100], // never a tight loop
  ])('Retry-After %p ms → next retry delay %p ms', async (retryAfterMs, expected) => {
    const f = (await thrownBy(new ConnectorError({ system: 'haravan', code: 'RATE_LIMITED', message: '429', status: 429, retryAfterMs }))) as ApplicationFailure;
    expect(f.nonRetryable).toBe(false);
    expect(f.nextRetryDelay).toBe(expected);
  });

  it('passes other errors through unchanged', async () => {
    const af = ApplicationFailure.nonRetryable('mine', 'INVALID_ORDER_STATE');
    expect(await thrownBy(af)).toBe(af);
    const plain = new Error('plain');
    expect(await thrownBy(plain)).toBe(plain);
  });

  it('returns the result of a successful activity', async () => {
    await expect(new ConnectorErrorInterceptor().execute(input, async () => 42)).resolves.toBe(42);
  });

  it('is what the factory registers as the inbound interceptor', () => {
    expect(classifyVendorErrors({} as never).inbound).toBeInstanceOf(ConnectorErrorInterceptor);
  });
});
