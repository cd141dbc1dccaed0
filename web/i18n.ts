/** Vietnamese first, English on request. One table; a missing key shows itself rather than a blank. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConnectionState, OrderStatus, Severity } from '../domain/terms';

export type Lang = 'vi' | 'en';

const STRINGS = {
  title: ['Kết nối Haravan ⇄ Tiki', 'Haravan ⇄ Tiki connection'],
  tokenTitle: ['Đăng nhập bằng mã truy cập', 'Sign in with the API token'],
  tokenHelp: ['Dán mã API (API_TOKEN) mà dịch vụ in ra khi khởi động. Mã chỉ được giữ trong phiên trình duyệt này.', 'Paste the API token (API_TOKEN) the service printed at start-up. It is kept for this browser session only.'],
  tokenLabel: ['Mã truy cập API', 'API token'],
  signIn: ['Đăng nhập', 'Sign in'],
  signOut: ['Đăng xuất', 'Sign out'],
  language: ['English', 'Tiếng Việt'],
  loading: ['Đang tải…', 'Loading…'],
  connection: ['Kết nối', 'Connection'],
  newConnection: ['Kết nối cửa hàng mới', 'Connect a new shop'],
  connectTitle: ['Kết nối cửa hàng Haravan với Tiki', 'Connect a Haravan shop to Tiki'],
  connectHelp: ['Dịch vụ kiểm tra thông tin Haravan và Tiki trước khi báo kết nối thành công.', 'The service checks the Haravan and Tiki credentials before it reports the connection.'],
  shopId: ['Mã cửa hàng Haravan (shop id)', 'Haravan shop id'],
  haravanToken: ['Mã truy cập Haravan (access token)', 'Haravan access token'],
  haravanBaseUrl: ['Địa chỉ API Haravan (để trống = apis.haravan.com)', 'Haravan API URL (blank = apis.haravan.com)'],
  tikiAuth: ['Cách xác thực Tiki', 'Tiki authentication'],
  tikiOauth: ['OAuth (client id + secret)', 'OAuth (client id + secret)'],
  tikiKey: ['API key (tiki-api)', 'API key (tiki-api)'],
  tikiClientId: ['Tiki client id', 'Tiki client id'],
  tikiClientSecret: ['Tiki client secret', 'Tiki client secret'],
  tikiApiKey: ['Tiki API key', 'Tiki API key'],
  tikiBaseUrl: ['Địa chỉ API Tiki (để trống = api.tiki.vn)', 'Tiki API URL (blank = api.tiki.vn)'],
  connect: ['Kết nối', 'Connect'],
  connecting: ['Đang kiểm tra thông tin…', 'Checking the credentials…'],
  cancel: ['Hủy', 'Cancel'],
  close: ['Đóng', 'Close'],
  confirm: ['Xác nhận', 'Confirm'],
  tabOverview: ['Tổng quan', 'Overview'],
  tabLink: ['Đồng bộ sản phẩm', 'Product linking'],
  tabErrors: ['Lỗi đồng bộ', 'Sync errors'],
  tabConfig: ['Cấu hình', 'Settings'],
  tabOrders: ['Đơn hàng', 'Orders'],
  state: ['Trạng thái', 'State'],
  st_connecting: ['Đang kết nối', 'Connecting'],
  st_connected: ['Đang hoạt động', 'Connected'],
  st_attention: ['Cần xử lý', 'Needs attention'],
  st_disconnecting: ['Đang ngắt kết nối', 'Disconnecting'],
  st_disconnected: ['Đã ngắt kết nối', 'Disconnected'],
  st_failed: ['Kết nối thất bại', 'Failed'],
  healthy: ['Kết nối ổn định, không có cảnh báo.', 'Healthy: no warnings.'],
  attentionTitle: ['Kết nối cần xử lý', 'The connection needs attention'],
  linkedVariants: ['Phiên bản đã liên kết', 'Linked variants'],
  linkedProducts: ['Sản phẩm đã liên kết', 'Linked products'],
  syncErrorsCount: ['Lỗi đồng bộ', 'Sync errors'],
  ordersImported: ['Đơn đã nhập vào Haravan', 'Orders imported'],
  lastStockPush: ['Lần đẩy tồn kho gần nhất', 'Last stock push'],
  pushed: ['đã đẩy', 'pushed'],
  skipped: ['không đổi', 'unchanged'],
  failed: ['lỗi', 'failed'],
  never: ['Chưa có', 'Not yet'],
  latency: ['Độ trễ đồng bộ tồn kho (Haravan → Tiki)', 'Stock sync latency (Haravan → Tiki)'],
  samples: ['mẫu', 'samples'],
  completeness: ['Kiểm tra đủ đơn hàng', 'Order completeness check'],
  seen: ['trên Tiki', 'on Tiki'],
  imported: ['đã nhập', 'imported'],
  missing: ['thiếu', 'missing'],
  repaired: ['đã bù', 'repaired'],
  reconcile: ['Đối soát tồn kho với Tiki', 'Stock reconciliation with Tiki'],
  drifted: ['lệch', 'drifted'],
  measured: ['Số đo thực tế', 'Measured'],
  pushNow: ['Đẩy tồn kho ngay', 'Push stock now'],
  pushQueued: ['Đã yêu cầu đẩy tồn kho', 'Stock push requested'],
  disconnect: ['Xóa kênh (ngắt kết nối)', 'Remove channel (disconnect)'],
  disconnectConfirm: ['Ngắt kết nối Tiki? Liên kết sản phẩm sẽ bị xóa; đơn hàng đã nhập vẫn còn trong Haravan.', 'Disconnect Tiki? Product links are removed; orders already imported stay in Haravan.'],
  workflow: ['Workflow Temporal', 'Temporal workflow'],
  tikiSeller: ['Nhà bán Tiki', 'Tiki seller'],
  linkTitle: ['Liên kết phiên bản Haravan với SKU Tiki theo barcode', 'Link Haravan variants to Tiki SKUs by barcode'],
  linkHelp: ['Barcode của phiên bản trên Haravan phải trùng mã sản phẩm (original_sku) trên Tiki. Xem trước không ghi gì.', 'A variant\'s barcode must equal the Tiki product code (original_sku). A preview writes nothing.'],
  dryRun: ['Xem trước (không ghi)', 'Preview (dry run)'],
  linkAll: ['Đồng bộ tất cả sản phẩm', 'Link all products'],
  running: ['Đang chạy', 'Running'],
  completed: ['Hoàn tất', 'Completed'],
  runFailed: ['Thất bại', 'Failed'],
  processed: ['Đã xử lý', 'Processed'],
  linked: ['Liên kết', 'Linked'],
  errors: ['Lỗi', 'Errors'],
  warnings: ['Cảnh báo', 'Warnings'],
  preview: ['Kết quả xem trước', 'Preview result'],
  product: ['Sản phẩm', 'Product'],
  variant: ['Phiên bản', 'Variant'],
  barcode: ['Barcode', 'Barcode'],
  result: ['Kết quả', 'Result'],
  tikiSku: ['SKU Tiki', 'Tiki SKU'],
  code: ['Mã lỗi', 'Code'],
  severity: ['Mức', 'Severity'],
  message: ['Nội dung', 'Message'],
  at: ['Thời điểm', 'At'],
  filterCode: ['Lọc theo mã lỗi', 'Filter by code'],
  all: ['Tất cả', 'All'],
  noErrors: ['Không có lỗi đồng bộ.', 'No sync errors.'],
  sev_error: ['Lỗi', 'Error'],
  sev_warning: ['Cảnh báo', 'Warning'],
  sev_info: ['Thông tin', 'Info'],
  prev: ['Trang trước', 'Previous'],
  next: ['Trang sau', 'Next'],
  pageOf: ['Trang', 'Page'],
  total: ['Tổng', 'Total'],
  cfgUpdate: ['Cấu hình cập nhật', 'What to update'],
  syncPrice: ['Đồng bộ giá', 'Sync price'],
  syncQuantity: ['Đồng bộ số lượng tồn kho', 'Sync stock quantity'],
  cfgOrders: ['Xử lý đơn hàng', 'Order handling'],
  processOrdersInHaravan: ['Xử lý đơn hàng tại Haravan (in đơn, chờ lấy hàng, hủy từ Haravan)', 'Process orders in Haravan (print label, ready to ship, cancel from here)'],
  restockOnCancel: ['Hoàn kho khi Tiki hủy đơn', 'Restock when Tiki cancels an order'],
  cfgStockSource: ['Kho đồng bộ tồn kho', 'Stock source locations'],
  allLocations: ['Kho tổng (tất cả chi nhánh)', 'All locations ("Kho tổng")'],
  chosenLocations: ['Chọn chi nhánh', 'Chosen locations'],
  locationIds: ['Mã chi nhánh (cách nhau bởi dấu phẩy)', 'Location ids (comma-separated)'],
  orderLocation: ['Kho đồng bộ đơn hàng', 'Order location'],
  defaultLocation: ['Chi nhánh mặc định của cửa hàng', 'The shop\'s default location'],
  tikiWarehouses: ['Kho Tiki được cập nhật', 'Tiki warehouses to write'],
  firstWarehouse: ['Mặc định: kho đầu tiên của nhà bán', 'Default: the seller\'s first warehouse'],
  warehouseIds: ['Mã kho Tiki (cách nhau bởi dấu phẩy)', 'Tiki warehouse ids (comma-separated)'],
  primary: ['chính', 'primary'],
  cfgNumbers: ['Tỷ lệ và tồn kho an toàn', 'Ratio and safety stock'],
  stockRatioPercent: ['Tỷ lệ phân bổ tồn kho cho Tiki (%)', 'Stock allocation ratio for Tiki (%)'],
  safetyStock: ['Tồn kho an toàn (trừ đi trước khi đẩy)', 'Safety stock (subtracted before pushing)'],
  oversellQuantity: ['Số lượng đẩy khi cho phép bán âm và hết hàng', 'Quantity pushed when overselling is allowed and stock is out'],
  reconcileIntervalSeconds: ['Chu kỳ đối soát (giây)', 'Reconciliation interval (seconds)'],
  save: ['Lưu cấu hình', 'Save settings'],
  saved: ['Đã lưu cấu hình', 'Settings saved'],
  nothingChanged: ['Không có thay đổi', 'Nothing changed'],
  sourcesUnavailable: ['Không đọc được danh sách kho từ Haravan/Tiki; nhập mã kho thủ công.', 'Could not read the locations from Haravan/Tiki; enter the ids by hand.'],
  filterStatus: ['Lọc theo trạng thái', 'Filter by status'],
  tikiCode: ['Mã đơn Tiki', 'Tiki order'],
  haravanOrder: ['Đơn Haravan', 'Haravan order'],
  status: ['Trạng thái', 'Status'],
  tikiStatus: ['Trạng thái Tiki', 'Tiki status'],
  customer: ['Khách hàng', 'Customer'],
  items: ['Sản phẩm', 'Items'],
  actions: ['Thao tác', 'Actions'],
  printLabel: ['In đơn hàng', 'Print label'],
  readyToShip: ['Chờ lấy hàng', 'Ready to ship'],
  cancelOrder: ['Hủy đơn hàng', 'Cancel order'],
  cancelConfirm: ['Hủy đơn này trên Tiki và Haravan?', 'Cancel this order on Tiki and in Haravan?'],
  cancelReason: ['Lý do (không bắt buộc)', 'Reason (optional)'],
  noOrders: ['Chưa có đơn hàng Tiki nào.', 'No Tiki orders yet.'],
  atRisk: ['Sắp quá hạn xác nhận', 'Near the confirmation deadline'],
  labelOpened: ['Đã mở phiếu giao hàng', 'Label opened'],
  actionDone: ['Đã thực hiện', 'Done'],
  processedOnTiki: ['Đơn được xử lý trên Tiki: các thao tác bị tắt.', 'Orders are processed on Tiki: actions are off.'],
  os_awaiting_confirmation: ['Chờ xác nhận', 'Awaiting confirmation'],
  os_confirmed: ['Đã xác nhận', 'Confirmed'],
  os_ready_to_ship: ['Chờ lấy hàng', 'Ready to ship'],
  os_shipping: ['Đang giao', 'Shipping'],
  os_delivered: ['Đã giao', 'Delivered'],
  os_completed: ['Hoàn tất', 'Completed'],
  os_cancelled: ['Đã hủy', 'Cancelled'],
  os_returned: ['Trả hàng', 'Returned'],
  refresh: ['Làm mới', 'Refresh'],
  errorTitle: ['Có lỗi', 'Something went wrong'],
  inactive: ['Kết nối không hoạt động; chỉ có thể xem.', 'The connection is not active; read only.'],
} as const satisfies Record<string, readonly [string, string]>;

/** Every connection state, severity and order status of domain/terms.ts has its label: a new term does not compile without one. */
type TermLabel = `st_${ConnectionState}` | `sev_${Severity}` | `os_${OrderStatus}`;
const _everyTermLabelled: Record<TermLabel, readonly [string, string]> = STRINGS;

export type Key = keyof typeof STRINGS;

export function translate(lang: Lang, key: Key | string): string {
  const pair = (STRINGS as Record<string, readonly [string, string]>)[key];
  if (!pair) return key;
  return lang === 'vi' ? pair[0] : pair[1];
}

export interface I18n {
  lang: Lang;
  t: (key: Key | string) => string;
  /** The message of an API answer or record in the current language. */
  msg: (m: { message?: string; messageVi?: string; messageEn?: string }) => string;
  fmtTime: (iso?: string) => string;
  fmtNum: (n?: number) => string;
}

export function makeI18n(lang: Lang): I18n {
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  return {
    lang,
    t: (k) => translate(lang, k),
    msg: (m) => (lang === 'vi' ? (m.messageVi ?? m.message ?? m.messageEn ?? '') : (m.messageEn ?? m.message ?? m.messageVi ?? '')),
    fmtTime: (iso) => (iso ? new Date(iso).toLocaleString(locale) : '—'),
    fmtNum: (n) => (n === undefined || n === null ? '—' : n.toLocaleString(locale)),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('vi'));
export const useI18n = () => useContext(I18nContext);
