/**
 * The worker's activity inbound interceptor: every activity's vendor errors are classified here, in one place
 * (activities/errors.ts `toFailure`), so activity code throws ConnectorErrors as they come and never converts them.
 */
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { toFailure } from '../activities/errors';

export class ConnectorErrorInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw toFailure(err);
    }
  }
}

/** For `Worker.create({ interceptors: { activity: [classifyVendorErrors] } })`. */
export const classifyVendorErrors: ActivityInterceptorsFactory = () => ({ inbound: new ConnectorErrorInterceptor() });
