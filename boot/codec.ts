/**
 * Temporal payload encryption (AES-256-GCM) so customer PII in workflow inputs and results is not readable
 * in Temporal's database. Enabled when ENCRYPTION_KEY is set; the API serves the remote codec endpoint so
 * the Web UI can still show decoded payloads to an operator.
 */
import crypto from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { decryptionKeys, keyId, purposeKey } from '../store/secrets';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  /** Encrypts with the payload-codec key of `current`; decrypts with any key of `current` or `previous`. */
  constructor(current: string, previous: string[] = []) {
    this.currentId = keyId(purposeKey(current, 'payload-codec'));
    for (const [id, k] of decryptionKeys(current, previous, 'payload-codec')) this.keys.set(id, k);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const plain = Buffer.from(encodePayloadProto(p));
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: encoder.encode(ENCODING), [KEY_ID]: encoder.encode(this.currentId) }, data: new Uint8Array(data) };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const enc = p.metadata?.[METADATA_ENCODING_KEY];
      if (!enc || decoder.decode(enc) !== ENCODING || !p.data) return p;
      const id = decoder.decode(p.metadata![KEY_ID]);
      const key = this.keys.get(id);
      if (!key) throw new Error(`payload encrypted with unknown key ${id}`);
      const buf = Buffer.from(p.data);
      const iv = buf.subarray(0, 12);
      const tag = buf.subarray(buf.length - 16);
      const body = buf.subarray(12, buf.length - 16);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return decodePayloadProto(Buffer.concat([decipher.update(body), decipher.final()]));
    });
  }
}

/** Payloads are serialised as JSON of {metadata (base64), data (base64)} before encryption. */
function encodePayloadProto(p: Payload): Uint8Array {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v as Uint8Array).toString('base64');
  return encoder.encode(JSON.stringify({ metadata, data: p.data ? Buffer.from(p.data).toString('base64') : null }));
}

function decodePayloadProto(buf: Buffer): Payload {
  const parsed = JSON.parse(buf.toString('utf8')) as { metadata: Record<string, string>; data: string | null };
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(parsed.metadata)) metadata[k] = new Uint8Array(Buffer.from(v, 'base64'));
  return { metadata, data: parsed.data === null ? undefined : new Uint8Array(Buffer.from(parsed.data, 'base64')) };
}

export function codecFromEnv(encryptionKey?: string): AesGcmCodec | undefined {
  if (!encryptionKey) return undefined;
  return new AesGcmCodec(encryptionKey, (process.env.ENCRYPTION_KEYS_PREVIOUS ?? '').split(','));
}

/** The module of the sealing failure converter (boot/failure-converter.ts), for the client, worker and bundle. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function dataConverterFor(encryptionKey?: string): DataConverter | undefined {
  const codec = codecFromEnv(encryptionKey);
  return codec ? { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH } : undefined;
}
