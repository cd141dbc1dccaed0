/**
 * Every failure a merchant can cause or see has a stable code and a message in Vietnamese (first) and English.
 * Pure data (the severities are a shared term of domain/terms.ts).
 */
import type { Severity } from './terms';

export interface MessageDef {
  vi: string;
  en: string;
  severity: Severity;
  /** HTTP status when the code is returned by the API. */
  http?: number;
}

export const MESSAGES = {
  // ---- API / connection ----
  VALIDATION_FAILED: { vi: 'Dữ liệu gửi lên không hợp lệ', en: 'The request is invalid', severity: 'error', http: 400 },
  UNAUTHORIZED: { vi: 'Thiếu hoặc sai mã truy cập (Bearer token)', en: 'Missing or invalid bearer token', severity: 'error', http: 401 },
  NOT_FOUND: { vi: 'Không tìm thấy', en: 'Not found', severity: 'error', http: 404 },
  PAYLOAD_TOO_LARGE: { vi: 'Dữ liệu gửi lên quá lớn', en: 'Request body too large', severity: 'error', http: 413 },
  RATE_LIMITED: { vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau', en: 'Too many requests, try again later', severity: 'error', http: 429 },
  INTERNAL: { vi: 'Lỗi hệ thống, vui lòng thử lại', en: 'Internal error, please retry', severity: 'error', http: 500 },
  SERVICE_UNAVAILABLE: { vi: 'Dịch vụ tạm thời không khả dụng', en: 'Service temporarily unavailable', severity: 'error', http: 503 },
  ALREADY_CONNECTED: { vi: 'Cửa hàng này đã được kết nối với Tiki', en: 'This shop is already connected to Tiki', severity: 'error', http: 409 },
  TIKI_AUTH_FAILED: { vi: 'Thông tin kết nối Tiki không hợp lệ (API key hoặc client id/secret sai, hoặc kết nối bị tạm ngưng)', en: 'Tiki credentials were rejected (wrong API key or client id/secret, or the connection is paused)', severity: 'error', http: 422 },
  HARAVAN_AUTH_FAILED: { vi: 'Mã truy cập Haravan không hợp lệ hoặc thiếu quyền', en: 'The Haravan access token was rejected or lacks permissions', severity: 'error', http: 422 },
  SHOP_MISMATCH: { vi: 'Mã truy cập Haravan thuộc về một cửa hàng khác', en: 'The Haravan access token belongs to a different shop', severity: 'error', http: 422 },
  CREDENTIALS_UNVERIFIED: { vi: 'Chưa kiểm tra được thông tin kết nối (Haravan/Tiki không phản hồi), vui lòng thử lại', en: 'Could not verify the credentials (Haravan/Tiki did not answer); please retry', severity: 'error', http: 503 },
  CONNECTION_NOT_ACTIVE: { vi: 'Kết nối không ở trạng thái hoạt động', en: 'The connection is not active', severity: 'error', http: 409 },
  LINK_RUN_NOT_FOUND: { vi: 'Không tìm thấy lượt đồng bộ sản phẩm', en: 'Link run not found', severity: 'error', http: 404 },
  ORDER_NOT_FOUND: { vi: 'Không tìm thấy đơn hàng', en: 'Order not found', severity: 'error', http: 404 },
  LINK_NOT_FOUND: { vi: 'Không tìm thấy biến thể đã liên kết trong kết nối này', en: 'No linked variant with this id in this connection', severity: 'error', http: 404 },
  PROCESSED_ON_TIKI: { vi: 'Đơn hàng được xử lý trên Tiki (tắt "Xử lý đơn hàng tại Haravan"), không thể thao tác từ Haravan', en: 'Orders are processed on Tiki ("Process orders in Haravan" is off); this action is not available here', severity: 'error', http: 409 },
  INVALID_ORDER_STATE: { vi: 'Trạng thái đơn hàng hiện tại không cho phép thao tác này', en: 'The order is not in a state that allows this action', severity: 'error', http: 409 },
  // ---- bulk order work (order batches, domain/order-batch.ts) ----
  ORDER_NOT_IMPORTED: { vi: 'Đơn hàng chưa được tạo trên Haravan nên chưa thao tác được', en: 'The order is not imported into Haravan yet, so no action can be taken', severity: 'error', http: 409 },
  ORDER_BATCH_NOT_FOUND: { vi: 'Không tìm thấy lượt xử lý hàng loạt', en: 'Order batch not found', severity: 'error', http: 404 },
  ORDER_BATCH_EMPTY: { vi: 'Chưa chọn đơn hàng nào (hoặc không còn đơn nào chờ xác nhận)', en: 'No order is selected (or none is awaiting confirmation)', severity: 'error', http: 422 },
  LABELS_NOT_READY: { vi: 'Tệp PDF nhãn chưa sẵn sàng (lượt in chưa xong hoặc không có nhãn nào)', en: 'The labels PDF is not ready (the batch is still printing, or it has no label)', severity: 'error', http: 404 },
  LABEL_NOT_PRINTABLE: { vi: 'Tiki trả nhãn dạng trang web, không gộp được vào tệp PDF; hãy mở nhãn này riêng', en: 'Tiki served this label as a web page, which cannot be merged into the PDF; open it on its own', severity: 'warning' },
  LABEL_FETCH_FAILED: { vi: 'Không tải được nhãn từ Tiki; hãy in lại nhãn của đơn này', en: 'The label could not be downloaded from Tiki; print this order\'s label again', severity: 'warning' },
  LABEL_URL_REFUSED: { vi: 'Địa chỉ nhãn Tiki trả về không thuộc Tiki nên không được tải', en: 'The label address Tiki gave is not a Tiki address, so it was not downloaded', severity: 'warning' },
  LABEL_UNREADABLE: { vi: 'Tệp nhãn Tiki trả về bị hỏng, không đọc được', en: 'The label file Tiki served is damaged and cannot be read', severity: 'warning' },
  LABEL_MISSING: { vi: 'Tiki không trả về nhãn cho đơn này', en: 'Tiki gave no label for this order', severity: 'warning' },
  FAILURE_NOT_FOUND: { vi: 'Không tìm thấy mục lỗi', en: 'Failure not found', severity: 'error', http: 404 },
  CSRF_FAILED: { vi: 'Thiếu hoặc sai mã chống giả mạo yêu cầu (X-CSRF-Token); hãy tải lại trang và thử lại', en: 'Missing or wrong anti-forgery token (X-CSRF-Token); reload the page and try again', severity: 'error', http: 403 },
  API_TOKEN_NOT_FOUND: { vi: 'Không tìm thấy mã API của cửa hàng', en: 'Shop API token not found', severity: 'error', http: 404 },
  WEBHOOK_SIGNATURE_INVALID: { vi: 'Chữ ký webhook không hợp lệ', en: 'Invalid webhook signature', severity: 'error', http: 401 },
  CONNECTION_ATTENTION_TIKI: { vi: 'Tiki từ chối thông tin kết nối (key bị tạm ngưng/thu hồi hoặc không gia hạn được token). Việc đồng bộ tạm dừng và sẽ tự tiếp tục khi thông tin hợp lệ trở lại.', en: 'Tiki rejected the credentials (key paused/revoked or token cannot be renewed). Sync is paused and resumes by itself once they work again.', severity: 'error' },
  CONNECTION_ATTENTION_HARAVAN: { vi: 'Haravan từ chối mã truy cập (401/403). Việc đồng bộ tạm dừng và sẽ tự tiếp tục khi mã hợp lệ trở lại.', en: 'Haravan rejected the access token (401/403). Sync is paused and resumes by itself once it works again.', severity: 'error' },
  HARAVAN_TOO_LARGE: { vi: 'Haravan trả về dữ liệu vượt giới hạn (quá 16 MiB, quá nhiều trang hoặc quá nhiều dòng); tác vụ đã dừng', en: 'Haravan answered more than the service accepts (over 16 MiB, too many pages or items); the job stopped', severity: 'error' },
  TIKI_TOO_LARGE: { vi: 'Tiki trả về dữ liệu vượt giới hạn (quá 16 MiB, quá nhiều trang hoặc quá nhiều dòng); tác vụ đã dừng', en: 'Tiki answered more than the service accepts (over 16 MiB, too many pages or items); the job stopped', severity: 'error' },
  VENDOR_REQUEST_FAILED: { vi: 'Haravan hoặc Tiki từ chối yêu cầu; chi tiết có trong nhật ký của dịch vụ', en: 'Haravan or Tiki refused the request; the details are in the service logs', severity: 'error' },
  // ---- warehouse mapping (domain/warehouse-map.ts) ----
  WAREHOUSE_MAP_INVALID: { vi: 'Bảng ghép chi nhánh Haravan với kho Tiki có mục không tồn tại; cấu hình không thay đổi', en: 'The Haravan location → Tiki warehouse mapping names a location or warehouse that does not exist; the settings were not changed', severity: 'error', http: 422 },
  WAREHOUSE_MAP_UNKNOWN_LOCATION: { vi: 'Cửa hàng Haravan không có chi nhánh này', en: 'The Haravan shop has no such location', severity: 'error' },
  WAREHOUSE_MAP_UNKNOWN_WAREHOUSE: { vi: 'Nhà bán Tiki không có kho này', en: 'The Tiki seller has no such warehouse', severity: 'error' },
  WAREHOUSE_MAP_UNVERIFIED: { vi: 'Chưa kiểm tra được bảng ghép kho (không đọc được chi nhánh Haravan hoặc kho Tiki), vui lòng thử lại; cấu hình không thay đổi', en: 'Could not check the warehouse mapping (the Haravan locations or Tiki warehouses could not be read); please retry — the settings were not changed', severity: 'error', http: 503 },
  // ---- the Haravan app install (domain/haravan-app.ts, api/routes/install.ts) ----
  INSTALL_NOT_CONFIGURED: { vi: 'Dịch vụ chưa được cấu hình như một ứng dụng Haravan (thiếu HARAVAN_APP_CLIENT_ID/SECRET hoặc PUBLIC_URL)', en: 'The service is not set up as a Haravan app (HARAVAN_APP_CLIENT_ID/SECRET or PUBLIC_URL missing)', severity: 'error', http: 404 },
  INSTALL_DENIED: { vi: 'Bạn đã từ chối cấp quyền cho ứng dụng trên Haravan; ứng dụng chưa được cài đặt. Có thể cài đặt lại bất cứ lúc nào.', en: 'You declined the app on Haravan; it was not installed. You can install it again at any time.', severity: 'error', http: 403 },
  INSTALL_NOT_ADMIN: { vi: 'Chỉ chủ cửa hàng (quyền admin) mới cài đặt được ứng dụng; hãy đăng nhập bằng tài khoản chủ cửa hàng.', en: 'Only the shop owner (admin role) can install the app; sign in with the owner account.', severity: 'error', http: 403 },
  INSTALL_STATE_INVALID: { vi: 'Phiên cài đặt đã hết hạn hoặc không bắt đầu từ trình duyệt này; hãy bắt đầu lại từ liên kết cài đặt.', en: 'The install session expired or did not start in this browser; start again from the install link.', severity: 'error', http: 400 },
  INSTALL_ID_TOKEN_INVALID: { vi: 'Không xác minh được thông tin đăng nhập Haravan (id_token); hãy thử cài đặt lại.', en: 'The Haravan sign-in (id_token) could not be verified; try installing again.', severity: 'error', http: 400 },
  INSTALL_SHOP_MISMATCH: { vi: 'Quyền được cấp không khớp với cửa hàng đã chọn; hãy thử cài đặt lại.', en: 'The grant does not match the chosen shop; try installing again.', severity: 'error', http: 400 },
  INSTALL_FAILED: { vi: 'Haravan không hoàn tất việc cài đặt (không đổi được mã cấp quyền); hãy thử lại.', en: 'Haravan did not complete the install (the authorization code could not be exchanged); please retry.', severity: 'error', http: 502 },
  NOT_INSTALLED: { vi: 'Ứng dụng chưa được cài đặt trên cửa hàng Haravan này; hãy cài đặt trước hoặc nhập mã truy cập Haravan', en: 'The app is not installed on this Haravan shop; install it first or give a Haravan access token', severity: 'error', http: 422 },
  HARAVAN_TOKEN_REFRESH_FAILED: { vi: 'Không gia hạn được mã truy cập Haravan của ứng dụng (ứng dụng bị gỡ hoặc quyền bị thu hồi). Việc đồng bộ tạm dừng; hãy cài đặt lại ứng dụng từ Haravan.', en: 'The app’s Haravan access token could not be renewed (the app was removed or its grant revoked). Sync is paused; install the app again from Haravan.', severity: 'error', http: 422 },
  SOURCES_UNAVAILABLE: { vi: 'Không đọc được danh sách chi nhánh Haravan hoặc kho Tiki; có thể nhập mã kho thủ công', en: 'Could not read the Haravan locations or Tiki warehouses; ids can be entered by hand', severity: 'warning' },

  // ---- product linking (domain/linking.ts) ----
  MISSING_BARCODE: { vi: 'Phiên bản chưa có barcode nên không thể liên kết với Tiki', en: 'The variant has no barcode, so it cannot be linked to Tiki', severity: 'error' },
  DUPLICATE_BARCODE_IN_PRODUCT: { vi: 'Nhiều phiên bản trong cùng sản phẩm trùng barcode', en: 'Several variants of the same product share this barcode', severity: 'error' },
  SUPERSEDED_BY_LATER_PRODUCT: { vi: 'Barcode trùng với một sản phẩm khác được cập nhật sau; Tiki sẽ lấy sản phẩm sau cùng', en: 'Another, more recently updated product has the same barcode; it is the one linked to Tiki', severity: 'warning' },
  NOT_FOUND_ON_TIKI: { vi: 'Không tìm thấy sản phẩm trên Tiki có mã sản phẩm trùng barcode', en: 'No Tiki product has a product code equal to this barcode', severity: 'error' },
  PRICE_ABOVE_LIST_PRICE: { vi: 'Giá bên Haravan cao hơn giá niêm yết trên Tiki; giá sẽ không được đồng bộ (tồn kho vẫn đồng bộ)', en: 'The Haravan price is above the Tiki list price; the price will not be pushed (stock still syncs)', severity: 'error' },
  INVENTORY_NOT_TRACKED: { vi: 'Phiên bản không quản lý tồn kho; đẩy số lượng mặc định sang Tiki', en: 'Inventory is not tracked for this variant; the default quantity is pushed to Tiki', severity: 'info' },
  OVERSELL_UNLIMITED: { vi: 'Phiên bản cho phép bán khi hết hàng; khi hết hàng sẽ đẩy số lượng lớn sang Tiki', en: 'The variant allows overselling; when out of stock a large quantity is pushed to Tiki', severity: 'info' },
  PRICE_BELOW_TIKI_MINIMUM: { vi: 'Giá bên Haravan không hợp lệ với Tiki (phải lớn hơn 0 và không thấp hơn 10% giá niêm yết); giá sẽ không được đồng bộ (tồn kho vẫn đồng bộ)', en: 'The Haravan price is not accepted by Tiki (it must be above 0 and at least 10% of the list price); the price will not be pushed (stock still syncs)', severity: 'error' },

  // ---- stock push ----
  TIKI_SKU_REJECTED: { vi: 'Tiki từ chối cập nhật SKU', en: 'Tiki rejected the SKU update', severity: 'error' },

  // ---- link runs ----
  LINK_RUN_FAILED: { vi: 'Lượt liên kết sản phẩm thất bại; chi tiết có trong nhật ký của dịch vụ', en: 'The link run failed; the details are in the service logs', severity: 'error' },
  CANCELLED: { vi: 'Lượt liên kết sản phẩm đã bị hủy', en: 'The link run was cancelled', severity: 'info' },

  // ---- orders ----
  ORDER_IMPORT_FAILED: { vi: 'Không tạo được đơn hàng trên Haravan', en: 'The order could not be created in Haravan', severity: 'error' },
  ORDER_ITEM_NOT_LINKED: { vi: 'Sản phẩm trong đơn chưa được liên kết; đã tạo dòng tùy chỉnh theo SKU Tiki', en: 'An order item is not linked; imported as a custom line with its Tiki SKU', severity: 'warning' },
  CUSTOMER_PHONE_MISSING: { vi: 'Tiki không cung cấp số điện thoại người mua; đơn được nhập không có email/điện thoại khách hàng', en: 'Tiki did not provide the buyer phone; the order was imported without customer phone/email', severity: 'warning' },
  ORDER_AT_RISK: { vi: 'Đơn hàng sắp quá hạn xác nhận của Tiki', en: 'The order is close to its Tiki confirmation deadline', severity: 'warning' },
  ORDER_ACTION_FAILED: { vi: 'Thao tác đơn hàng trên Tiki thất bại', en: 'The order action failed on Tiki', severity: 'error' },
  ORDER_DUPLICATE_CANCELLED: {
    vi: 'Haravan đã tạo trễ một đơn trùng cho đơn Tiki này (lệnh tạo không được trả lời); đã giữ đơn cũ nhất và hủy đơn trùng',
    en: 'Haravan performed a create late and made a duplicate of this Tiki order (the create call went unanswered); the oldest order was kept and the duplicate cancelled',
    severity: 'warning',
  },
  // ---- publishing to Tiki (issue 17): pre-check problems, request outcomes, API ----
  PUBLISH_CATEGORY_MISSING: { vi: 'Chưa chọn danh mục Tiki cho sản phẩm', en: 'No Tiki category is chosen for the product', severity: 'error' },
  PUBLISH_CATEGORY_NOT_LEAF: { vi: 'Danh mục Tiki phải là danh mục cuối (không có danh mục con)', en: 'The Tiki category must be a leaf (a category without sub-categories)', severity: 'error' },
  PUBLISH_NAME_MISSING: { vi: 'Sản phẩm chưa có tên', en: 'The product has no name', severity: 'error' },
  PUBLISH_ATTRIBUTE_REQUIRED: { vi: 'Thiếu thuộc tính bắt buộc của danh mục Tiki', en: 'A required attribute of the Tiki category is missing', severity: 'error' },
  PUBLISH_ATTRIBUTE_NOT_IN_DICTIONARY: { vi: 'Giá trị không có trong danh sách giá trị của Tiki cho thuộc tính này', en: 'The value is not in Tiki\'s list of values for this attribute', severity: 'error' },
  PUBLISH_ATTRIBUTE_NOT_A_NUMBER: { vi: 'Thuộc tính này phải là số', en: 'This attribute must be a number', severity: 'error' },
  PUBLISH_TOO_MANY_OPTIONS: { vi: 'Tiki chỉ cho phép tối đa 2 thuộc tính phân loại (Haravan cho phép 3); có thể gộp thuộc tính thứ 2 và thứ 3 thành một (mergeOptions)', en: 'Tiki allows at most 2 options (Haravan allows 3); options 2 and 3 can be merged into one (mergeOptions)', severity: 'error' },
  PUBLISH_PRICE_INVALID: { vi: 'Giá bán phải lớn hơn 0', en: 'The price must be above 0', severity: 'error' },
  PUBLISH_PRICE_ABOVE_MARKET_PRICE: { vi: 'Giá bán cao hơn giá niêm yết (giá so sánh)', en: 'The price is above the market (compare-at) price', severity: 'error' },
  PUBLISH_PRICE_BELOW_MARKET_MINIMUM: { vi: 'Giá bán thấp hơn 10% giá niêm yết, Tiki sẽ từ chối', en: 'The price is below 10% of the market price; Tiki refuses it', severity: 'error' },
  PUBLISH_NO_IMAGE: { vi: 'Sản phẩm chưa có hình ảnh; Tiki bắt buộc có ít nhất một hình', en: 'The product has no image; Tiki requires at least one', severity: 'error' },
  PUBLISH_IMAGE_TOO_SMALL: { vi: 'Hình ảnh nhỏ hơn kích thước tối thiểu của Tiki', en: 'The image is smaller than Tiki\'s minimum size', severity: 'error' },
  PUBLISH_BARCODE_MISSING: { vi: 'Phiên bản chưa có barcode; barcode là mã sản phẩm (sku) trên Tiki để tự liên kết sau khi duyệt', en: 'The variant has no barcode; the barcode becomes the Tiki product code (sku) so the listing links by itself once approved', severity: 'error' },
  PUBLISH_BARCODE_DUPLICATE: { vi: 'Nhiều phiên bản trùng barcode; mỗi phiên bản cần một mã riêng trên Tiki', en: 'Several variants share this barcode; each needs its own Tiki product code', severity: 'error' },
  PUBLISH_ALREADY_ON_TIKI: { vi: 'Sản phẩm đã có trên Tiki (đã liên kết hoặc đang chờ duyệt)', en: 'The product is already on Tiki (linked or awaiting review)', severity: 'error' },
  PUBLISH_PRODUCT_NOT_FOUND: { vi: 'Không tìm thấy sản phẩm trên Haravan', en: 'The product was not found in Haravan', severity: 'error' },
  PUBLICATION_INVALID: { vi: 'Không sản phẩm nào gửi được lên Tiki; xem các lỗi bên cạnh từng trường', en: 'No product could be sent to Tiki; see the problems beside each field', severity: 'error', http: 422 },
  PUBLICATION_NOT_FOUND: { vi: 'Không tìm thấy yêu cầu đăng sản phẩm', en: 'Publication not found', severity: 'error', http: 404 },
  INVALID_PUBLICATION_STATE: { vi: 'Chỉ gửi lại được yêu cầu đã bị Tiki từ chối (hoặc hết hạn/lỗi)', en: 'Only a publication Tiki rejected (or one that expired or failed) can be sent again', severity: 'error', http: 409 },
  PUBLISH_REJECTED_BY_TIKI: { vi: 'Tiki từ chối yêu cầu tạo sản phẩm', en: 'Tiki rejected the product request', severity: 'error' },
  PUBLISH_REASON_MEDIA: { vi: 'Tiki báo "thiếu hình ảnh": thường là hình nhỏ hơn 500×500 px (500×700 với thời trang) hoặc không tải được', en: 'Tiki says "product media is empty": usually an image under 500×500 px (500×700 for fashion) or one it could not download', severity: 'error' },
  PUBLISH_REQUEST_EXPIRED: { vi: 'Tiki không còn giữ yêu cầu này (mã theo dõi hết hạn); hãy gửi lại', en: 'Tiki no longer knows this request (its track id expired); send it again', severity: 'error' },
  PUBLISH_SUBMIT_REFUSED: { vi: 'Tiki từ chối ngay khi gửi yêu cầu (dữ liệu không hợp lệ)', en: 'Tiki refused the request when it was sent (invalid data)', severity: 'error' },
  TIKI_CATEGORY_NOT_FOUND: { vi: 'Không tìm thấy danh mục Tiki', en: 'Tiki category not found', severity: 'error', http: 404 },
} as const satisfies Record<string, MessageDef>;

export type MessageCode = keyof typeof MESSAGES;

export function messageFor(code: string): MessageDef {
  return (MESSAGES as Record<string, MessageDef>)[code] ?? { vi: code, en: code, severity: 'error' };
}

/**
 * What a caller may learn about a vendor's refusal besides our words: our stable code for it (`HARAVAN_VALIDATION`),
 * the HTTP status, and the vendor's own error code when it is a short token. Never the vendor's text.
 */
export interface RefusalFacts {
  code?: string;
  status?: number;
  vendorCode?: string;
}

/** A short identifier: letters, digits, `_ . -`, no run of 7+ digits (could be a phone). */
const TOKEN = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;
const safeToken = (v: unknown) => (typeof v === 'string' && TOKEN.test(v) && !/\d{7}/.test(v) ? v : undefined);

/** The message of `messageCode` in both languages, followed by the facts a caller may see, e.g. `(HARAVAN_VALIDATION, HTTP 422)`. */
export function messageWithFacts(messageCode: string, facts: RefusalFacts = {}): { message: string; messageVi: string } {
  const m = messageFor(messageCode);
  const code = safeToken(facts.code);
  const status = Number.isInteger(facts.status) && facts.status! >= 100 && facts.status! <= 599 ? facts.status : undefined;
  const vendorCode = safeToken(facts.vendorCode);
  const part = (vendorLabel: string) => {
    const bits = [code !== messageCode ? code : undefined, status !== undefined ? `HTTP ${status}` : undefined, vendorCode !== undefined ? `${vendorLabel} ${vendorCode}` : undefined].filter(Boolean);
    return bits.length ? ` (${bits.join(', ')})` : '';
  };
  return { message: `${m.en}${part('vendor code')}`, messageVi: `${m.vi}${part('mã lỗi')}` };
}
