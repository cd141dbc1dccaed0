/**
 * A slice of Tiki's category tree for product requests: three real branches (fashion, home, books), the
 * attribute definitions of their leaves (Tiki's field names: `display_name(_en)`, `is_required`, `input_type`,
 * `data_type`) and the dictionaries of the select attributes. Ids follow Tiki's style; brand is attribute 603 as
 * on Tiki. Static data: requests are checked against it synchronously (400 in Tiki's shape).
 */

export interface SandboxCategory {
  id: number;
  name: string;
  parent_id: number | null;
  is_primary: boolean;
  is_product_listing_enabled: boolean;
  no_license_seller_enabled: boolean;
  description: string;
}

export interface SandboxAttribute {
  id: number;
  code: string;
  display_name: string;
  display_name_en: string;
  description: string;
  description_en: string;
  is_required: boolean;
  input_type: 'dropdown' | 'multiselect' | 'textbox' | 'number';
  data_type: 'string' | 'int' | 'decimal';
  default_value: string | null;
}

const cat = (id: number, name: string, parent: number | null, leaf = false): SandboxCategory => ({
  id,
  name,
  parent_id: parent,
  is_primary: leaf,
  is_product_listing_enabled: leaf,
  no_license_seller_enabled: true,
  description: '',
});

export const CATEGORIES: SandboxCategory[] = [
  cat(915, 'Thời trang nam', null),
  cat(917, 'Áo thun nam', 915),
  cat(8371, 'Áo thun nam ngắn tay có cổ', 917, true),
  cat(8372, 'Áo thun nam ngắn tay không cổ', 917, true),
  cat(918, 'Áo sơ mi nam', 915, true),
  cat(931, 'Thời trang nữ', null),
  cat(933, 'Đầm nữ', 931, true),
  cat(8375, 'Áo kiểu nữ', 931, true),
  cat(1883, 'Nhà Cửa - Đời Sống', null),
  cat(1913, 'Chăn ga gối nệm', 1883),
  cat(1914, 'Gối', 1913, true),
  cat(1915, 'Chăn mền', 1913, true),
  cat(1951, 'Dụng cụ nhà bếp', 1883),
  cat(1952, 'Nồi, chảo', 1951, true),
  cat(8322, 'Nhà Sách Tiki', null),
  cat(316, 'Sách tiếng Việt', 8322),
  cat(839, 'Sách văn học', 316),
  cat(842, 'Tiểu thuyết', 839, true),
  cat(846, 'Truyện ngắn - Tản văn', 839, true),
  cat(393, 'Sách thiếu nhi', 316, true),
];

const attr = (id: number, code: string, vi: string, en: string, required: boolean, input: SandboxAttribute['input_type']): SandboxAttribute => ({
  id,
  code,
  display_name: vi,
  display_name_en: en,
  description: vi,
  description_en: en,
  is_required: required,
  input_type: input,
  data_type: input === 'number' ? 'decimal' : 'string',
  default_value: null,
});

const BRAND = attr(603, 'brand', 'Thương hiệu', 'Brand', true, 'dropdown');
const ORIGIN = attr(604, 'origin', 'Xuất xứ', 'Origin', true, 'dropdown');
const BRAND_COUNTRY = attr(605, 'brand_country', 'Xuất xứ thương hiệu', 'Brand country', false, 'dropdown');
const WEIGHT = attr(620, 'product_weight_kg', 'Trọng lượng (kg)', 'Weight (kg)', false, 'number');
const MATERIAL = attr(710, 'material', 'Chất liệu', 'Material', false, 'textbox');
const SEASON = attr(711, 'season', 'Mùa phù hợp', 'Season', false, 'multiselect');
const AUTHOR = attr(801, 'author', 'Tác giả', 'Author', true, 'textbox');
const PUBLISHER = attr(802, 'publisher_vn', 'Nhà xuất bản', 'Publisher', true, 'dropdown');
const COVER = attr(803, 'book_cover', 'Loại bìa', 'Cover', false, 'dropdown');
const PAGES = attr(804, 'number_of_page', 'Số trang', 'Pages', false, 'number');

const FASHION = [BRAND, ORIGIN, BRAND_COUNTRY, MATERIAL, SEASON, WEIGHT];
const HOME = [BRAND, ORIGIN, BRAND_COUNTRY, MATERIAL, WEIGHT];
const BOOKS = [AUTHOR, PUBLISHER, COVER, PAGES, WEIGHT];

/** Attributes of each leaf (by root branch). */
export function attributesOf(categoryId: number): SandboxAttribute[] {
  let root = CATEGORIES.find((c) => c.id === categoryId);
  while (root?.parent_id != null) root = CATEGORIES.find((c) => c.id === root!.parent_id);
  switch (root?.id) {
    case 915:
    case 931:
      return FASHION;
    case 1883:
      return HOME;
    case 8322:
      return BOOKS;
    default:
      return [];
  }
}

const COUNTRIES = ['Việt Nam', 'Trung Quốc', 'Hàn Quốc', 'Nhật Bản', 'Mỹ', 'Thái Lan', 'Đức'];
export const DICTIONARIES: Record<number, string[]> = {
  603: ['Coolmate', 'Routine', 'Owen', 'Việt Tiến', 'Everon', 'Sunhouse', 'Lock&Lock', 'OEM', 'No Brand', 'Haravan Demo'],
  604: COUNTRIES,
  605: COUNTRIES,
  711: ['Xuân', 'Hạ', 'Thu', 'Đông'],
  802: ['NXB Trẻ', 'NXB Kim Đồng', 'NXB Văn Học', 'NXB Hội Nhà Văn'],
  803: ['Bìa mềm', 'Bìa cứng'],
};

export function isLeafCategory(id: number): boolean {
  return !CATEGORIES.some((c) => c.parent_id === id) && CATEGORIES.some((c) => c.id === id);
}

export function attributeCode(attributeId: number): string | undefined {
  return [...FASHION, ...HOME, ...BOOKS].find((a) => a.id === attributeId)?.code;
}
