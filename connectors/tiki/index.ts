export * from './client';
export * from './schemas';
export { TokenCache, processTokenCache } from './token-cache';
