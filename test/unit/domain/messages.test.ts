import { messageFor, messageWithFacts } from '../../../domain/messages';

describe('messageWithFacts: our words and only short facts', () => {
  const en = messageFor('ORDER_IMPORT_FAILED').en;
  test.each([
    ['no facts', {}, en],
    ['our code, status and vendor code', { code: 'HARAVAN_VALIDATION', status: 422, vendorCode: 'invalid_customer' }, `${en} (HARAVAN_VALIDATION, HTTP 422, vendor code invalid_customer)`],
    ['the message code itself is not repeated', { code: 'ORDER_IMPORT_FAILED' }, en],
    ['a vendor "code" that is a sentence is dropped', { status: 400, vendorCode: 'phone 0912345678 is invalid' }, `${en} (HTTP 400)`],
    ['a vendor code carrying a phone-like run is dropped', { vendorCode: 'E0912345678' }, en],
    ['an e-mail as vendor code is dropped', { vendorCode: 'a@b.vn' }, en],
    ['a status outside HTTP is dropped', { status: 42 }, en],
    ['a null vendor code (from failure details) is dropped', { vendorCode: null as unknown as string }, en],
    ['a code with text in it is dropped', { code: 'HARAVAN_VALIDATION: body {"phone":"0912345678"}' }, en],
  ])('%s', (_name, facts, expected) => {
    expect(messageWithFacts('ORDER_IMPORT_FAILED', facts).message).toBe(expected);
  });

  test('Vietnamese first-class: the same facts, with its own label', () => {
    expect(messageWithFacts('TIKI_SKU_REJECTED', { code: 'TIKI_VALIDATION', status: 400, vendorCode: 'sku_locked' }).messageVi).toBe(`${messageFor('TIKI_SKU_REJECTED').vi} (TIKI_VALIDATION, HTTP 400, mã lỗi sku_locked)`);
  });
});
