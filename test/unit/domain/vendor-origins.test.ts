import { baseUrlProblem, parseAllowedOrigins } from '../../../domain/vendor-origins';
import { redactVendorText } from '../../../domain/redact';

const allowed = parseAllowedOrigins('http://127.0.0.1:*, http://localhost:8091, https://sandbox.example.com');

test.each([
  ['haravan', 'https://apis.haravan.com', true],
  ['haravan', 'https://apis.haravan.com/', true],
  ['haravan', 'https://APIS.haravan.com:443/com', true],
  ['tiki', 'https://api.tiki.vn', true],
  ['tiki', 'https://api-sandbox.tiki.vn', true],
  ['haravan', 'http://127.0.0.1:8091', true],
  ['tiki', 'http://127.0.0.1:1', true],
  ['haravan', 'http://localhost:8091', true],
  ['haravan', 'https://sandbox.example.com', true],
  ['haravan', 'http://apis.haravan.com', false], // the real host over plain http
  ['haravan', 'https://apis.haravan.com:8443', false],
  ['tiki', 'https://apis.haravan.com', false], // the other vendor's host
  ['haravan', 'https://apis.haravan.com.evil.test', false],
  ['haravan', 'https://user:pw@apis.haravan.com', false],
  ['haravan', 'https://apis.haravan.com@evil.test', false],
  ['haravan', 'http://localhost:8092', false],
  ['haravan', 'http://127.0.0.2:8091', false],
  ['haravan', 'http://[::1]:8091', false],
  ['haravan', 'ftp://127.0.0.1:21', false],
  ['haravan', 'file:///etc/passwd', false],
  ['haravan', 'https://sandbox.example.com:444', false],
  ['haravan', 'https://apis.haravan.com/?x=1', false],
  ['haravan', 'not a url', false],
] as const)('%s baseUrl %s allowed: %s', (vendor, url, ok) => {
  expect(baseUrlProblem(vendor, url, allowed) === undefined).toBe(ok);
});

test('ALLOWED_VENDOR_ORIGINS entries must be origins', () => {
  expect(parseAllowedOrigins(undefined)).toEqual([]);
  expect(parseAllowedOrigins('https://a.test:443,')).toEqual([{ protocol: 'https:', hostname: 'a.test', port: '' }]);
  for (const bad of ['a.test', 'https://a.test/path', 'ftp://a.test', 'https://u@a.test', 'http://a.test:x']) expect(() => parseAllowedOrigins(bad)).toThrow(/not an origin/);
});

test('vendor text kept for operators has phones and emails masked and a bounded length', () => {
  expect(redactVendorText('phone 0901234567 / +84 90 123 4567 taken by an@example.vn (variant 999)')).toBe('phone [number] / [number] taken by [email] (variant 999)');
  expect(redactVendorText('x'.repeat(2000)).length).toBeLessThanOrEqual(501);
});
