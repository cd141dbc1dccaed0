/** Query-string parsing shared by the list endpoints; invalid values are 400 `{"errors": [...]}`. */
import { tikiError } from './api-error';
import { parseTiki } from './time';

export type Query = Record<string, unknown>;

function str(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw tikiError(400, `${name} is given more than once`);
  return v;
}

export function stringParam(q: Query, name: string): string | undefined {
  const v = str(q, name);
  return v === '' ? undefined : v;
}

export function intParam(
  q: Query,
  name: string,
  opts: { min?: number; max?: number; def?: number } = {},
): number | undefined {
  const v = stringParam(q, name);
  if (v === undefined) return opts.def;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    const range =
      opts.max !== undefined
        ? ` between ${opts.min ?? '-∞'} and ${opts.max}`
        : opts.min !== undefined
          ? ` ≥ ${opts.min}`
          : '';
    throw tikiError(400, `${name} must be an integer${range}`);
  }
  return n;
}

export function dateParam(q: Query, name: string): number | undefined {
  const v = stringParam(q, name);
  if (v === undefined) return undefined;
  const ms = parseTiki(v);
  if (ms === undefined) throw tikiError(400, `${name} must be formatted yyyy-MM-dd HH:mm:ss`);
  return ms;
}

/** `in|a,b`, `nin|a,b` or a bare list (= in). */
export interface SetExpr {
  op: 'in' | 'nin';
  values: string[];
}

export function setParam(q: Query, name: string): SetExpr | undefined {
  const v = stringParam(q, name);
  if (v === undefined) return undefined;
  const m = /^(in|nin)\|(.*)$/.exec(v);
  const op = m ? (m[1] as 'in' | 'nin') : 'in';
  const values = (m ? m[2] : v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!values.length) throw tikiError(400, `${name} must list at least one value`);
  return { op, values };
}

export function matchesSet(expr: SetExpr | undefined, value: string): boolean {
  if (!expr) return true;
  return expr.op === 'in' ? expr.values.includes(value) : !expr.values.includes(value);
}

export function listParam(q: Query, name: string): string[] | undefined {
  const v = stringParam(q, name);
  return v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
