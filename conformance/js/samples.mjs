// Expected values for the soda-js checks, computed from the sample CSV files
// in samples/ (csv-parse, since the NYPD file quotes descriptions that hold
// commas). Nothing here asks the server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

export const FILES = {
  'nypd-hate': 'nypd_hate_crimes.csv',
  'mdgo-crim': 'MD_Crime_Data.csv',
  'lari-1992': 'la-riots.csv',
  'zips-usps': 'zipcodes.csv',
  'seat-wthr': 'seattle-weather.csv',
};

/** A CSV header as an API field name. */
export const fieldName = (h) => h.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

const cache = new Map();
/** The file's data rows as objects keyed by field name, values as in the file. */
export function rows(dataset) {
  if (!cache.has(dataset)) {
    const records = parse(readFileSync(SAMPLES + FILES[dataset], 'utf8'), { relax_column_count: false });
    const names = records[0].map(fieldName);
    cache.set(dataset, records.slice(1).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))));
  }
  return cache.get(dataset);
}

/** MM/DD/YYYY or YYYY-MM-DD as a SODA floating timestamp. */
export function timestamp(v) {
  let m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  if (m) return `${m[3]}-${m[1]}-${m[2]}T00:00:00.000`;
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) return `${v}T00:00:00.000`;
  throw new Error(`not a date: ${v}`);
}

/** A decimal's canonical text: no trailing fraction zeros, no "-0". */
export function decimal(v) {
  let s = String(v).trim();
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (/^-0*$/.test(s)) s = '0';
  return s;
}

/** Exact sum of decimal strings (BigInt at the widest scale seen). */
export function decimalSum(values) {
  const vals = values.filter((v) => v !== '');
  const scale = Math.max(0, ...vals.map((v) => (v.split('.')[1] || '').length));
  let total = 0n;
  for (const v of vals) {
    const neg = v.startsWith('-');
    const [i, f = ''] = v.replace('-', '').split('.');
    const n = BigInt(i + f.padEnd(scale, '0'));
    total += neg ? -n : n;
  }
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return decimal((neg ? '-' : '') + text);
}

/** Count rows by a key function. */
export function countBy(list, key) {
  const out = new Map();
  for (const r of list) out.set(key(r), (out.get(key(r)) || 0) + 1);
  return out;
}

/** A multiset of keys, as a sorted array (for deepStrictEqual). */
export const bag = (keys) => [...keys].sort();
