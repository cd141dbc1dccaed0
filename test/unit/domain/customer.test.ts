import { cleanText, customerKey, customerSearches, isMissingCustomerRefusal, mapCustomer, normalizePhone, sameCustomer, splitVietnameseName, syntheticEmail } from '../../../domain/customer';

describe('normalizePhone (domain/customer.ts)', () => {
  it.each([
    // the spec example and each separator kind
    ['+84 90-123-4567', '0901234567'],
    ['0901234567', '0901234567'],
    ['090 123 4567', '0901234567'],
    ['090.123.4567', '0901234567'],
    ['090-123-4567', '0901234567'],
    ['(090) 123 4567', '0901234567'],
    ['[090] 1234567', '0901234567'],
    ['090–123–4567', '0901234567'], // en dash
    [' \t0901234567\n', '0901234567'],
    // +84 / 84 before 9 digits → 0
    ['+84901234567', '0901234567'],
    ['84901234567', '0901234567'],
    ['84 90 123 4567', '0901234567'],
    ['+84 (0) 90 123 4567', '0901234567'], // redundant trunk 0 after the country code
    ['0084 90 123 4567', '0901234567'],
    ['+84.90.123.4567', '0901234567'],
    // forms a bare digit-strip ("84" → "0") reads differently: trunk 0 after the country code, 0084, bracketed +84
    ['+84 (0)90 123 4567', '0901234567'],
    ['84 (0) 90 123 4567', '0901234567'],
    ['+840901234567', '0901234567'],
    ['84-0901234567', '0901234567'],
    ['0084901234567', '0901234567'],
    ['(+84) 90 123 4567', '0901234567'],
    ['+84 028 3823 4567', '02838234567'],
    // landlines (2-digit area code + 8 digits)
    ['(028) 3823 4567', '02838234567'],
    ['+84 28 3823 4567', '02838234567'],
    ['842838234567', '02838234567'],
    // 84-prefixed local numbers stay local
    ['0843123456', '0843123456'],
    // garbage
    ['', null],
    ['   ', null],
    ['abc', null],
    ['090123456x', null],
    ['0901 234 56', null], // 9 digits
    ['090123456789', null], // too long
    ['901234567', null], // no trunk 0
    ['+1 415 555 0100', null], // foreign
    ['+84 90 123 456', null], // 8 national digits
    ['+84 9012 345 678', null], // 10 national digits that are not a landline
    ['++84901234567', null],
    ['+84 0 28 3823 4567', '02838234567'],
    ['84-', null],
  ])('%p → %p', (raw, expected) => {
    expect(normalizePhone(raw as string)).toBe(expected);
  });

  it.each([null, undefined])('%p → null', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });

  it('is idempotent', () => {
    for (const raw of ['+84 90-123-4567', '(028) 3823 4567', '84901234567']) {
      const once = normalizePhone(raw);
      expect(normalizePhone(once)).toBe(once);
    }
  });
});

describe('syntheticEmail', () => {
  it.each([
    ['0901234567', '0901234567@84.phone'],
    ['+84 90-123-4567', '0901234567@84.phone'],
    ['(028) 3823 4567', '02838234567@84.phone'],
    ['', null],
    ['not a phone', null],
    [null, null],
  ])('%p → %p', (phone, expected) => {
    expect(syntheticEmail(phone)).toBe(expected);
  });
});

describe('splitVietnameseName — last word is first_name, the rest last_name', () => {
  it.each([
    ['Nguyễn Văn An', 'An', 'Nguyễn Văn'],
    ['Trần Thị Bích Ngọc', 'Ngọc', 'Trần Thị Bích'],
    ['Lê Hoa', 'Hoa', 'Lê'],
    ['Madonna', 'Madonna', ''],
    ['  Phạm   Minh  Tuấn ', 'Tuấn', 'Phạm Minh'],
    ['', '', ''],
    [null, '', ''],
  ])('%p → first %p, last %p', (full, first, last) => {
    expect(splitVietnameseName(full)).toEqual({ firstName: first, lastName: last });
  });

  it('composes decomposed Unicode (NFD → NFC)', () => {
    const nfd = 'Nguyễn Văn An'.normalize('NFD');
    expect(splitVietnameseName(nfd)).toEqual({ firstName: 'An', lastName: 'Nguyễn Văn' });
    expect(splitVietnameseName(nfd).lastName).toBe('Nguyễn Văn'.normalize('NFC'));
  });
});

describe('cleanText', () => {
  it.each([
    [' a  b\tc ', 'a b c'],
    [null, ''],
    [undefined, ''],
  ])('%p → %p', (raw, expected) => {
    expect(cleanText(raw)).toBe(expected);
  });
});

describe('mapCustomer', () => {
  const fullAddress = {
    full_name: 'Nguyễn Văn An',
    phone: '+84 90-123-4567',
    email: 'an@example.com',
    street: '12 Nguyễn Huệ',
    ward: 'Phường Bến Nghé',
    district: 'Quận 1',
    region: 'Hồ Chí Minh',
    country: 'Việt Nam',
    country_id: 'VN',
  };

  it('seller_delivery-style order: name, phone, synthetic email, full address, no warning', () => {
    expect(mapCustomer({ shipping: { address: fullAddress }, customer: { full_name: 'Account Name' } })).toEqual({
      firstName: 'An',
      lastName: 'Nguyễn Văn',
      fullName: 'Nguyễn Văn An',
      phone: '0901234567',
      email: '0901234567@84.phone',
      address: {
        first_name: 'An',
        last_name: 'Nguyễn Văn',
        name: 'Nguyễn Văn An',
        phone: '0901234567',
        address1: '12 Nguyễn Huệ',
        ward: 'Phường Bến Nghé',
        district: 'Quận 1',
        province: 'Hồ Chí Minh',
        country: 'Việt Nam',
        country_code: 'VN',
      },
      warnings: [],
    });
  });

  const cases: { name: string; input: Parameters<typeof mapCustomer>[0]; expect: Partial<ReturnType<typeof mapCustomer>> }[] = [
    {
      name: 'masked phone ("") → no phone, no email, CUSTOMER_PHONE_MISSING',
      input: { shipping: { address: { ...fullAddress, phone: '', email: null } } },
      expect: { phone: null, email: null, warnings: ['CUSTOMER_PHONE_MISSING'] },
    },
    {
      name: 'unparsable phone → treated as missing',
      input: { shipping: { address: { ...fullAddress, phone: '***' } } },
      expect: { phone: null, email: null, warnings: ['CUSTOMER_PHONE_MISSING'] },
    },
    {
      name: 'no shipping at all → empty names, missing phone',
      input: { shipping: null, customer: null },
      expect: { firstName: '', lastName: '', fullName: '', phone: null, email: null, warnings: ['CUSTOMER_PHONE_MISSING'] },
    },
    {
      name: 'shipping name missing → account full_name is used',
      input: { shipping: { address: { ...fullAddress, full_name: '  ' } }, customer: { full_name: 'Lê Thị Hoa' } },
      expect: { firstName: 'Hoa', lastName: 'Lê Thị', fullName: 'Lê Thị Hoa' },
    },
    {
      name: 'the real Tiki email is not used; the synthetic one is',
      input: { shipping: { address: { ...fullAddress, phone: '0912345678', email: 'real@example.com' } } },
      expect: { email: '0912345678@84.phone' },
    },
  ];
  it.each(cases)('$name', ({ input, expect: expected }) => {
    expect(mapCustomer(input)).toMatchObject(expected);
  });

  it('address without phone omits the phone field, and missing parts are omitted', () => {
    const out = mapCustomer({ shipping: { address: { full_name: 'Võ Minh', street: '5 Lê Lợi', region: 'Đà Nẵng' } } });
    expect(out.address).toEqual({ first_name: 'Minh', last_name: 'Võ', name: 'Võ Minh', address1: '5 Lê Lợi', province: 'Đà Nẵng', country: 'Vietnam', country_code: 'VN' });
  });

  it('country code is upper-cased', () => {
    expect(mapCustomer({ shipping: { address: { ...fullAddress, country_id: 'vn' } } }).address.country_code).toBe('VN');
  });
});

describe('sameCustomer (customer identity)', () => {
  it.each([
    // [Haravan customer, buyer phone, buyer email, same?]
    [{ phone: '0901234567' }, '+84 (0)90 123 4567', null, true],
    [{ phone: '+84901234567' }, '0901234567', null, true],
    [{ phone: '+84 (0)90 123 4567' }, '0901234567', null, true],
    [{ phone: '0084 90 123 4567' }, '0901234567', null, true],
    [{ phone: '84901234567' }, '0901234567', null, true],
    [{ phone: '(028) 3823 4567' }, '+84 28 3823 4567', null, true],
    [{ phone: '0901234568' }, '0901234567', null, false],
    // phones that are not Vietnamese numbers never match, not even each other
    [{ phone: 'abc' }, 'abc', null, false],
    [{ phone: '' }, '', null, false],
    [{ phone: null }, '0901234567', null, false],
    [{ phone: 901234567 }, '0901234567', null, false],
    // email, ignoring case and surrounding spaces
    [{ email: '0901234567@84.phone' }, null, '0901234567@84.PHONE', true],
    [{ email: ' A@b.vn ' }, null, 'a@B.vn', true],
    [{ email: 'a@b.vn' }, null, 'c@b.vn', false],
    [{ email: 'a@b.vn' }, null, null, false],
    [{ phone: '0909999999', email: 'a@b.vn' }, '0901234567', 'a@b.vn', true],
  ])('%j vs %p / %p → %p', (existing, phone, email, expected) => {
    expect(sameCustomer(existing, phone, email)).toBe(expected);
  });
});

describe('customerKey (domain/customer.ts)', () => {
  it.each([
    ['0901234567', null, 'phone:0901234567'],
    ['+84 (0)90 123 4567', '0901234567@84.phone', 'phone:0901234567'],
    ['84901234567', null, 'phone:0901234567'],
    // no Vietnamese phone: the email, ignoring case and spaces
    ['abc', ' A@b.VN ', 'email:a@b.vn'],
    [null, 'a@b.vn', 'email:a@b.vn'],
    // no buyer data: nothing to remember or look for
    [null, null, null],
    ['', '  ', null],
    ['******', undefined, null],
  ])('%p / %p → %p', (phone, email, expected) => {
    expect(customerKey(phone, email)).toBe(expected);
  });
});

describe('isMissingCustomerRefusal (domain/customer.ts)', () => {
  it.each([
    [404, 'Not Found', true],
    [422, 'Haravan /com/orders.json answered 422: customer 987654321 does not exist', true],
    [422, 'Haravan /com/orders.json answered 422: {"customer":["is invalid"]}', true],
    [422, 'Haravan /com/orders.json answered 422: {"line_items":["is invalid"]}', false],
    [422, 'customers_count is wrong', false],
    [400, 'customer is invalid', false],
    [500, 'customer', false],
    [undefined, 'customer', false],
  ])('%p %p → %p', (status, text, expected) => {
    expect(isMissingCustomerRefusal(status, text)).toBe(expected);
  });
});

describe('customerSearches (domain/customer.ts)', () => {
  it.each([
    // the phone first (its search also finds the synthetic email), then the email (it may be what is taken)
    ['0901234567', '0901234567@84.phone', ['0901234567', '0901234567@84.phone']],
    ['0901234567', 'a@b.vn', ['0901234567', 'a@b.vn']],
    [null, 'a@b.vn', ['a@b.vn']],
    ['0901234567', null, ['0901234567']],
    [null, null, []],
  ])('%p / %p → %j', (phone, email, expected) => {
    expect(customerSearches(phone, email)).toEqual(expected);
  });
});
