// Reading openapi/frontierd.yaml for the contract test: its operations with
// their parameters and responses (local $refs followed), the requests its
// parameters describe, and one Ajv 2020 instance that validates instances
// against any schema of the document by its JSON Pointer, every
// "#/components/..." reference resolving inside the document itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

// The document's schemas are registered under this id; nothing is fetched.
export const DOC_ID = 'https://frontierd.invalid/openapi/frontierd.yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Keywords OpenAPI 3.1 adds to JSON Schema 2020-12 (deprecated is already
// part of 2020-12's meta-data vocabulary).
const OPENAPI_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

// A follow of $ref that never ends means a cycle of references, not a schema.
const MAX_REF_HOPS = 32;

// {file, bytes (Buffer), doc (the parsed document)}.
export function loadSpec(sourceDir) {
  const file = path.join(sourceDir, 'openapi', 'frontierd.yaml');
  const bytes = readFileSync(file);
  const doc = YAML.parse(bytes.toString('utf8'));
  return { file, bytes, doc };
}

export function escapeToken(token) {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(tokens) {
  return tokens.map((t) => '/' + escapeToken(t)).join('');
}

export function getPointer(doc, pointer) {
  if (pointer === '') return doc;
  let node = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

// Follows local references from the object at pointer. Returns the object
// reached and its own pointer, so schemas below it are addressed where they
// are written. Throws on a non-local, dangling or cyclic reference.
export function deref(doc, value, pointer) {
  let hops = 0;
  while (value && typeof value === 'object' && typeof value.$ref === 'string') {
    const ref = value.$ref;
    if (!ref.startsWith('#')) throw new Error(`${pointer}: $ref '${ref}' is not local to the document`);
    if (++hops > MAX_REF_HOPS) throw new Error(`${pointer}: $ref chain longer than ${MAX_REF_HOPS}`);
    const target = decodeURIComponent(ref.slice(1));
    const next = getPointer(doc, target);
    if (next === undefined) throw new Error(`${pointer}: $ref '${ref}' points at nothing`);
    value = next;
    pointer = target;
  }
  return { value, pointer };
}

// Every operation, path-level parameters merged under operation-level ones
// (an operation's parameter replaces a path's of the same name and place).
export function operationsOf(doc) {
  const ops = [];
  for (const [p, rawItem] of Object.entries(doc.paths ?? {})) {
    const itemPtr = pointerOf(['paths', p]);
    const { value: item, pointer: itemPointer } = deref(doc, rawItem, itemPtr);
    for (const method of METHODS) {
      if (!item || !item[method]) continue;
      const opPointer = `${itemPointer}/${method}`;
      const op = item[method];
      const params = new Map();
      const add = (list, listPointer) => {
        (list ?? []).forEach((raw, i) => {
          const { value, pointer } = deref(doc, raw, `${listPointer}/${i}`);
          params.set(`${value.in}:${value.name}`, { ...value, pointer });
        });
      };
      add(item.parameters, `${itemPointer}/parameters`);
      add(op.parameters, `${opPointer}/parameters`);
      ops.push({
        method: method.toUpperCase(),
        path: p,
        key: `${method.toUpperCase()} ${p}`,
        op,
        pointer: opPointer,
        parameters: [...params.values()],
      });
    }
  }
  return ops;
}

// The operation's documented response for an HTTP status: the exact code,
// else its range ("4XX"); "default" only when allowDefault.
export function responseFor(doc, operation, status, { allowDefault = false } = {}) {
  const responses = operation.op.responses ?? {};
  const keys = [String(status), `${String(status)[0]}XX`];
  if (allowDefault) keys.push('default');
  for (const key of keys) {
    if (Object.hasOwn(responses, key)) {
      const at = `${operation.pointer}/responses/${escapeToken(key)}`;
      const { value, pointer } = deref(doc, responses[key], at);
      return { key, response: value, pointer };
    }
  }
  return null;
}

// A parameter's schema with references followed, or null.
export function parameterSchema(doc, param) {
  if (!param.schema) return null;
  return deref(doc, param.schema, `${param.pointer}/schema`);
}

function schemaTypes(schema) {
  if (!schema || schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

// The example a parameter documents: its own, its first named one, or its
// schema's. undefined when there is none.
export function parameterExample(doc, param) {
  if (Object.hasOwn(param, 'example')) return param.example;
  if (param.examples && typeof param.examples === 'object') {
    for (const [name, raw] of Object.entries(param.examples)) {
      const { value } = deref(doc, raw, `${param.pointer}/examples/${escapeToken(name)}`);
      if (value && Object.hasOwn(value, 'value')) return value.value;
    }
  }
  const s = parameterSchema(doc, param)?.value;
  if (s && Object.hasOwn(s, 'example')) return s.example;
  if (s && Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  return undefined;
}

// Everything the test derives from one parameter's schema.
export function parameterFacts(doc, param) {
  const schema = parameterSchema(doc, param)?.value ?? {};
  const types = schemaTypes(schema);
  return {
    enum: Array.isArray(schema.enum) ? schema.enum : null,
    integer: types.includes('integer'),
    minimum: typeof schema.minimum === 'number' ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined,
    maximum: typeof schema.maximum === 'number' ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined,
    pattern: typeof schema.pattern === 'string' && types.includes('string') ? schema.pattern : null,
  };
}

// Values tried, in order, to break a pattern: near misses first (a month
// 13, a leading hyphen, a capital, an over-long slug), then plain junk.
const PATTERN_BREAKERS = ['2025-13', '-', 'A', 'a'.repeat(65), '2025-1', 'abc', '!', '%', '~'];
const MAX_PATTERN_BREAKERS = 4;

// Up to MAX_PATTERN_BREAKERS values the pattern refuses; none when it is too
// permissive for any of them.
export function valuesBreakingPattern(pattern) {
  const re = new RegExp(pattern, 'u');
  return PATTERN_BREAKERS.filter((v) => !re.test(v)).slice(0, MAX_PATTERN_BREAKERS);
}

// Every documented example of the operation's responses (and every named
// example of a media type), with where it sits and, for an example of the
// write sequence, its x-request (see replay.mjs).
export function responseExamples(doc, operation) {
  const out = [];
  for (const [code, raw] of Object.entries(operation.op.responses ?? {})) {
    const at = `${operation.pointer}/responses/${escapeToken(code)}`;
    const { value: response, pointer: rPtr } = deref(doc, raw, at);
    for (const [mediaType, media] of Object.entries(response?.content ?? {})) {
      const mPtr = `${rPtr}/content/${escapeToken(mediaType)}`;
      const schemaPointer = media.schema !== undefined ? `${mPtr}/schema` : null;
      if (Object.hasOwn(media, 'example')) {
        out.push({
          code, mediaType, name: '(example)', summary: undefined, value: media.example, schemaPointer,
        });
      }
      for (const [name, rawEx] of Object.entries(media.examples ?? {})) {
        const { value: ex } = deref(doc, rawEx, `${mPtr}/examples/${escapeToken(name)}`);
        if (!ex || (!Object.hasOwn(ex, 'value') && !ex.externalValue)) continue;
        out.push({
          code, mediaType, name, summary: ex.summary, value: ex.value, schemaPointer, request: ex['x-request'],
        });
      }
    }
  }
  return out;
}

// Every example of the operation's request body, with where it sits:
// [{mediaType, name, value, schemaPointer}].
export function requestExamples(doc, operation) {
  const out = [];
  if (!operation.op.requestBody) return out;
  const { value: body, pointer } = deref(doc, operation.op.requestBody, `${operation.pointer}/requestBody`);
  for (const [mediaType, media] of Object.entries(body?.content ?? {})) {
    const mPtr = `${pointer}/content/${escapeToken(mediaType)}`;
    const schemaPointer = media.schema !== undefined ? `${mPtr}/schema` : null;
    for (const [name, rawEx] of Object.entries(media.examples ?? {})) {
      const { value: ex } = deref(doc, rawEx, `${mPtr}/examples/${escapeToken(name)}`);
      if (ex && Object.hasOwn(ex, 'value')) out.push({ mediaType, name, value: ex.value, schemaPointer });
    }
  }
  return out;
}

// Every schema an operation uses, by pointer: its parameters', its request
// body's, its responses' media types' and its responses' headers'.
export function operationSchemaPointers(doc, operation) {
  const pointers = new Set();
  for (const param of operation.parameters) {
    if (param.schema !== undefined) pointers.add(`${param.pointer}/schema`);
  }
  for (const ex of requestExamples(doc, operation)) {
    if (ex.schemaPointer) pointers.add(ex.schemaPointer);
  }
  if (operation.op.requestBody) {
    const { value: body, pointer } = deref(doc, operation.op.requestBody, `${operation.pointer}/requestBody`);
    for (const [mediaType, media] of Object.entries(body?.content ?? {})) {
      if (media.schema !== undefined) pointers.add(`${pointer}/content/${escapeToken(mediaType)}/schema`);
    }
  }
  for (const [code, raw] of Object.entries(operation.op.responses ?? {})) {
    const at = `${operation.pointer}/responses/${escapeToken(code)}`;
    const { value: response, pointer: rPtr } = deref(doc, raw, at);
    for (const [mediaType, media] of Object.entries(response?.content ?? {})) {
      if (media.schema !== undefined) pointers.add(`${rPtr}/content/${escapeToken(mediaType)}/schema`);
    }
    for (const [name, rawHeader] of Object.entries(response?.headers ?? {})) {
      const { value: header, pointer: hPtr } = deref(doc, rawHeader, `${rPtr}/headers/${escapeToken(name)}`);
      if (header?.schema !== undefined) pointers.add(`${hPtr}/schema`);
    }
  }
  return [...pointers];
}

// Every "x-" key anywhere in the document: Ajv's strict mode refuses
// keywords it does not know, and extensions are allowed in schemas.
function extensionKeys(node, found = new Set(), depth = 0) {
  if (depth > 64 || node === null || typeof node !== 'object') return found;
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-')) found.add(k);
    extensionKeys(v, found, depth + 1);
  }
  return found;
}

// "/items/0/kind must be equal to one of the allowed values
// {"allowedValues":[...]} (schema #/$defs/doc/components/...)".
function describeError(e) {
  return `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)} (schema ${e.schemaPath})`;
}

// A copy of the document in which every local reference "#/x" reads
// "#/$defs/doc/x", for a document held under $defs/doc.
function rehomeRefs(node, depth = 0) {
  if (depth > 256 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((v) => rehomeRefs(v, depth + 1));
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `#/$defs/doc${v.slice(1)}`
      : rehomeRefs(v, depth + 1);
  }
  return out;
}

// Validates against any schema of the document by pointer; validators are
// compiled once. The document is held as {$id: DOC_ID, $defs: {doc: ...}}
// with its references re-homed, so the root Ajv compiles is a plain schema
// and only the schemas of the document are compiled, each where it stands.
// Strict mode is on: an unknown keyword or format, a "required" naming an
// undeclared property or "properties" without "type: object" fails
// compilation, and so does OpenAPI 3.0's "nullable". Union types
// ("type: [string, 'null']") are how 3.1 writes it, so they are allowed.
export function createValidator(doc) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // OpenAPI 3.0's "nullable" means nothing in 3.1, where a 3.1 tool ignores
  // it and refuses null; Ajv would honour it and accept null, so it is made
  // an unknown keyword, which strict mode refuses.
  ajv.removeKeyword('nullable');
  for (const keyword of [...OPENAPI_KEYWORDS, ...extensionKeys(doc)]) ajv.addKeyword(keyword);
  ajv.addSchema({ $id: DOC_ID, $defs: { doc: rehomeRefs(doc) } });
  const cache = new Map();

  function compile(pointer) {
    let fn = cache.get(pointer);
    if (!fn) {
      const fragment = pointer.split('/').map(encodeURIComponent).join('/');
      fn = ajv.compile({ $ref: `${DOC_ID}#/$defs/doc${fragment}` });
      cache.set(pointer, fn);
    }
    return fn;
  }

  // {ok, errors: text}; compilation errors are thrown.
  function validate(pointer, data) {
    const fn = compile(pointer);
    const ok = fn(data);
    const errors = ok ? '' : fn.errors.slice(0, 8).map(describeError).join('; ')
      + (fn.errors.length > 8 ? `; (${fn.errors.length - 8} more)` : '');
    return { ok, errors, raw: ok ? [] : fn.errors };
  }

  return { compile, validate };
}

// The path of the first integer the schema declares (type exactly
// "integer") that the instance holds, following $refs, properties, items and
// allOf; null if none. Used to show the validator is wired to real schemas.
export function findIntegerMember(doc, schema, schemaPointer, instance, at = [], depth = 0) {
  if (depth > 16 || schema === undefined) return null;
  const { value: s, pointer } = deref(doc, schema, schemaPointer);
  if (!s || typeof s !== 'object') return null;
  const types = schemaTypes(s);
  if (types.length === 1 && types[0] === 'integer' && Number.isInteger(instance)) return at;
  if (instance && typeof instance === 'object' && !Array.isArray(instance) && s.properties) {
    for (const [k, sub] of Object.entries(s.properties)) {
      if (!Object.hasOwn(instance, k)) continue;
      const subPointer = `${pointer}/properties/${escapeToken(k)}`;
      const found = findIntegerMember(doc, sub, subPointer, instance[k], [...at, k], depth + 1);
      if (found) return found;
    }
  }
  if (Array.isArray(instance) && instance.length > 0 && s.items && typeof s.items === 'object') {
    const found = findIntegerMember(doc, s.items, `${pointer}/items`, instance[0], [...at, 0], depth + 1);
    if (found) return found;
  }
  for (const [i, sub] of (s.allOf ?? []).entries()) {
    const found = findIntegerMember(doc, sub, `${pointer}/allOf/${i}`, instance, at, depth + 1);
    if (found) return found;
  }
  return null;
}

// A request target for an operation's path with the given path values
// (already chosen) and query pairs [[name, value], ...], percent-encoded.
export function buildTarget(pathTemplate, pathValues, query = []) {
  const p = pathTemplate.replace(/\{([^}]+)\}/g, (_, name) => encodeURIComponent(String(pathValues[name])));
  if (query.length === 0) return p;
  const pairs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return `${p}?${pairs.join('&')}`;
}

// Whether a request target's path is an instance of the path template.
export function targetMatchesTemplate(target, template) {
  const pathPart = target.split('?')[0];
  const literals = template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`^${literals.join('[^/]+')}$`);
  return re.test(pathPart);
}

// The schemas (with their pointers) that a subschema at pointer gives to an
// object's member name, or with name null to an array's elements, looking
// through $ref, allOf, anyOf and oneOf. Empty when no branch declares it.
export function memberSchemas(doc, schema, pointer, name, depth = 0) {
  if (depth > 16 || schema === undefined) return [];
  const { value: s, pointer: at } = deref(doc, schema, pointer);
  if (!s || typeof s !== 'object') return [];
  const found = [];
  if (name === null && s.items && typeof s.items === 'object') {
    found.push({ schema: s.items, pointer: `${at}/items` });
  }
  if (name !== null && s.properties && Object.hasOwn(s.properties, name)) {
    found.push({ schema: s.properties[name], pointer: `${at}/properties/${escapeToken(name)}` });
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    for (const [i, sub] of (s[keyword] ?? []).entries()) {
      found.push(...memberSchemas(doc, sub, `${at}/${keyword}/${i}`, name, depth + 1));
    }
  }
  return found;
}

// Whether a path of member names (null for "an element") is declared by
// the schema at pointer.
export function schemaDeclaresPath(doc, pointer, names) {
  let level = [{ schema: getPointer(doc, pointer), pointer }];
  for (const name of names) {
    level = level.flatMap((x) => memberSchemas(doc, x.schema, x.pointer, name));
    if (level.length === 0) return false;
  }
  return true;
}
