// CSV for the contract test: a strict RFC 4180 reader (CRLF after every
// row, quotes doubled inside quoted fields) and the flattening rule the spec
// documents for lists (components.schemas.CsvPage), so a CSV page can be held
// to the JSON page of the same request cell by cell.
import { isDeepStrictEqual } from 'node:util';

// {header: [...], rows: [[...], ...]} or {error}. Every row, the header
// included, must end with CRLF, and every row must have as many fields as
// the header.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  while (i < text.length) {
    const c = text[i];
    if (atFieldStart && c === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) return { error: `row ${rows.length + 1}: a quoted field is not closed` };
        field += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        return { error: `row ${rows.length + 1}: ${JSON.stringify(text[i])} after a closing quote` };
      }
      atFieldStart = false;
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (c === '\r') {
      if (text[i + 1] !== '\n') return { error: `row ${rows.length + 1}: CR without LF` };
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
      i += 2;
    } else if (c === '\n' || c === '"') {
      return { error: `row ${rows.length + 1}: ${JSON.stringify(c)} in an unquoted field` };
    } else {
      field += c;
      atFieldStart = false;
      i++;
    }
  }
  if (!atFieldStart || row.length > 0) return { error: 'the last row does not end with CRLF' };
  if (rows.length === 0) return { error: 'no header row' };
  const [header, ...data] = rows;
  const ragged = data.findIndex((r) => r.length !== header.length);
  if (ragged >= 0) {
    return { error: `row ${ragged + 2} has ${data[ragged].length} fields, the header ${header.length}` };
  }
  return { header, rows: data };
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// The dotted columns one JSON item needs: an object with members is spread
// over its members, anything else (an array, {}, null, a scalar) is a column.
export function columnsOf(item, prefix = '', out = []) {
  for (const [k, v] of Object.entries(item)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0) columnsOf(v, name, out);
    else out.push(name);
  }
  return out;
}

// The value at a dotted column of an item; undefined when a step is missing
// or not an object.
function valueAt(item, column) {
  let node = item;
  for (const k of column.split('.')) {
    if (!isPlainObject(node) || !Object.hasOwn(node, k)) return undefined;
    node = node[k];
  }
  return node;
}

// null when the field is how the rule writes value, else why it is not.
export function cellMismatch(field, value) {
  const show = (v) => JSON.stringify(v);
  if (value === undefined || value === null || (isPlainObject(value) && Object.keys(value).length > 0)) {
    return field === '' ? null : `expected an empty field for ${show(value ?? null)}, got ${show(field)}`;
  }
  if (typeof value === 'string') return field === value ? null : `expected ${show(value)}, got ${show(field)}`;
  if (typeof value === 'boolean') return field === String(value) ? null : `expected ${value}, got ${show(field)}`;
  if (typeof value === 'number') {
    return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(field) && Number(field) === value ? null
      : `expected the number ${value}, got ${show(field)}`;
  }
  let parsed;
  try {
    parsed = JSON.parse(field);
  } catch {
    return `expected the JSON text of ${show(value).slice(0, 80)}, got ${show(field).slice(0, 80)}`;
  }
  return isDeepStrictEqual(parsed, value) ? null
    : `JSON ${show(field).slice(0, 80)} is not ${show(value).slice(0, 80)}`;
}

// Compares a parsed CSV page with the JSON items of the same page; returns
// the differences (at most max of them).
export function compareWithItems(csv, items, max = 8) {
  const problems = [];
  const index = new Map(csv.header.map((name, i) => [name, i]));
  if (csv.rows.length !== items.length) {
    problems.push(`${csv.rows.length} rows, but the JSON page has ${items.length} items`);
  }
  for (let r = 0; r < Math.min(csv.rows.length, items.length) && problems.length < max; r++) {
    const item = items[r];
    for (const column of columnsOf(item)) {
      // A null where other items have an object is under that object's
      // dotted columns, empty.
      const spread = valueAt(item, column) === null
        && csv.header.some((name) => name.startsWith(`${column}.`));
      if (!index.has(column) && !spread) problems.push(`item ${r} has ${column}, which is not a column`);
    }
    for (const [c, column] of csv.header.entries()) {
      const why = cellMismatch(csv.rows[r][c], valueAt(item, column));
      if (why) problems.push(`row ${r + 1} (${item.id ?? '?'}), column ${column}: ${why}`);
      if (problems.length >= max) break;
    }
  }
  return problems;
}
