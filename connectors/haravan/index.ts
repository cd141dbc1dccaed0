export * from './client';
export * from './requests';
export * from './schemas';
export * from './rate-limiter';
export * from './webhook';
export { vendorErrorText } from './transport';
