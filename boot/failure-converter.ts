/**
 * Failures are sealed like payloads: the failure converter moves each failure's message and stack trace into an
 * encoded attributes payload, which the payload codec then encrypts (boot/codec.ts). A vendor's error text (a
 * Haravan 422 can echo a buyer's phone or address) is therefore not plain text in Temporal's history; the Web UI
 * shows it decoded through the API's /codec endpoint. Loaded by path: by the client and worker (dataConverterFor)
 * and inside the workflow bundle (worker/temporal.ts), so it imports nothing but the SDK's common package.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
