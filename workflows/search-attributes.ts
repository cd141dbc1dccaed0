import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the dev server by `npm start` and the tests, and by the compose namespace job. */
export const SA_SHOP_ID = defineSearchAttributeKey('ShopId', SearchAttributeType.KEYWORD);
export const SA_CONNECTION_STATE = defineSearchAttributeKey('ConnectionState', SearchAttributeType.KEYWORD);
export const SA_TIKI_ORDER_CODE = defineSearchAttributeKey('TikiOrderCode', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [SA_SHOP_ID, SA_CONNECTION_STATE, SA_TIKI_ORDER_CODE];

/** `--search-attribute Name=Keyword` arguments for `temporal server start-dev`. */
export const DEV_SERVER_SEARCH_ATTRIBUTE_ARGS = SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
