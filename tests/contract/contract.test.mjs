// The contract test: holds a running frontierd to openapi/frontierd.yaml.
//
// It starts the daemon itself (FRONTIERD_BIN, seeded from FRONTIER_SEED_DIR
// into an in-memory database, on a free port), then checks:
//   - every schema compiles under Ajv 2020 in strict mode;
//   - `frontierd --routes` and the documented operations are the same set;
//   - per operation: examples summarised "GET <target>" are the server's
//     real answers (status, Content-Type, schema, JSON-equal body); the
//     requests its parameters describe (path examples, each query example,
//     every enum value, integer bounds) answer 200 with a valid body; invalid
//     ones (values outside an enum, integers out of range or not integers,
//     values breaking a pattern, an unknown parameter, an id that exists
//     nowhere) answer a documented 4xx application/problem+json naming the
//     parameter; every GET is repeated as HEAD (same status, Content-Type and
//     Content-Length, no body); documented response headers are sent (unless
//     declared `required: false`) and valid;
//   - per GET operation, the HTTP behaviour every route shares: its 200's
//     own ETag (and `*`) sent back in If-None-Match answers the documented
//     304 without content; Accept: image/png answers the documented 406
//     naming the 200's media types (of the target's file alone, for an
//     operation marked x-media-type-by-path), and Accept naming one of them
//     gets it;
//     gzip comes exactly when asked for a body of 1 KiB or more; a request
//     with Origin gets the CORS headers;
//   - per list (an operation with format=csv): the CSV page is the JSON
//     page of the same request, cell by cell, under a header row of columns
//     the item schema declares, the same on the next page; Link names the
//     next page exactly when next_cursor does;
//   - X-Request-Id is echoed when valid and made up otherwise;
//   - the validator itself rejects wrong bodies (self-check);
//   - SIGTERM stops the daemon with exit status 0 (a sanitizer report or a
//     leak makes it non-zero; its stderr is printed then);
//   - writes, on a second daemon that takes them (writes.mjs): the write
//     examples replayed in order (replay.mjs), every status of every write
//     operation, the change feed, the methods each path allows.
// Request body examples are held to their schemas too. The GET examples of
// the write sequence (x-request) are left to the writes suite.
//
// Run: node --test tests/contract/contract.test.mjs. meson sets
// FRONTIERD_BIN, FRONTIER_SEED_DIR and FRONTIER_SOURCE_DIR; run by hand they
// default to build/frontierd, data/seed and this checkout.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';

import { compareWithItems, parseCsv } from './csv.mjs';
import { daemonRoutes, startDaemon } from './daemon.mjs';
import {
  createClient, isJsonMediaType, isTextMediaType, parseMediaType, safeTarget, sameMediaType,
} from './http.mjs';
import {
  buildTarget, createValidator, deref, escapeToken, findIntegerMember, getPointer, loadSpec,
  operationSchemaPointers, operationsOf, parameterExample, parameterFacts, requestExamples,
  responseExamples, responseFor, schemaDeclaresPath, targetMatchesTemplate, valuesBreakingPattern,
} from './spec.mjs';
import { describeWrites } from './writes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = process.env.FRONTIER_SOURCE_DIR || path.resolve(HERE, '..', '..');
const SEED_DIR = process.env.FRONTIER_SEED_DIR || path.join(SOURCE_DIR, 'data', 'seed');
const BIN = process.env.FRONTIERD_BIN || path.join(SOURCE_DIR, 'build', 'frontierd');

const UNKNOWN_PARAMETER = 'no_such_parameter';
const MISSING_ID = 'no-such-id';
const NOT_IN_ENUM = 'no-such-value';
// What the tests send where the spec leaves the choice to the client.
const REFUSED_MEDIA_TYPE = 'image/png';
const ORIGIN = 'https://example.org';
const STALE_ETAG = '"0000000000000000"';
// Bodies this long or longer are gzipped on request, shorter ones never
// (components.headers.ContentEncoding).
const GZIP_MIN_BYTES = 1024;
// How many items a list page has in the CSV and Link checks: small, so that
// most lists have a next page.
const PAGE = 2;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// Loaded before any test is declared: the tests are generated from it.
let spec = null;
let loadError = null;
let validator = null;
let operations = [];
try {
  spec = loadSpec(SOURCE_DIR);
  operations = operationsOf(spec.doc);
  validator = createValidator(spec.doc);
} catch (err) {
  loadError = err;
}

// The running daemon; startError is what went wrong starting it, which
// every test that needs it reports (the others run regardless).
const state = { daemon: null, client: null, startError: null };

function client() {
  if (state.startError) throw state.startError;
  return state.client;
}

// ---- helpers -------------------------------------------------------------

function show(value) {
  const text = value === undefined ? '(absent)' : JSON.stringify(value);
  return text.length > 160 ? text.slice(0, 160) + '…' : text;
}

// The first place two JSON values differ, as a JSON Pointer, or null.
function firstDifference(actual, expected, at = '') {
  if (actual === expected) return null;
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (typeof actual === 'string' && typeof expected === 'string') {
    return `${at || '/'}: ${textDifference(actual, expected)}`;
  }
  if (kind(actual) !== kind(expected) || typeof actual !== 'object') {
    return `${at || '/'}: server ${show(actual)}, spec ${show(expected)}`;
  }
  if (Array.isArray(actual)) {
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
      const d = firstDifference(actual[i], expected[i], `${at}/${i}`);
      if (d) return d;
    }
    return actual.length === expected.length ? null
      : `${at || '/'}: server has ${actual.length} elements, spec ${expected.length}`;
  }
  const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  for (const k of keys) {
    const d = firstDifference(actual[k], expected[k], `${at}/${escapeToken(k)}`);
    if (d) return d;
  }
  return null;
}

// Where two texts (a CSV example and the server's CSV) part, with a little
// of each from there.
function textDifference(actual, expected) {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const line = actual.slice(0, i).split('\n').length;
  return `from character ${i} (line ${line}): server ${show(actual.slice(i, i + 60))}, `
    + `spec ${show(expected.slice(i, i + 60))} (server ${actual.length} characters, spec ${expected.length})`;
}

// {ok, errors}; a schema that does not compile gives compileError instead
// (its own test reports it, so callers name it once rather than per body).
function validate(pointer, data) {
  try {
    return validator.validate(pointer, data);
  } catch (err) {
    return { ok: false, compileError: `schema ${pointer} does not compile: ${err.message}` };
  }
}

function failIfAny(failures, what) {
  const unique = [...new Set(failures)];
  if (unique.length > 0) {
    assert.fail(`${unique.length} ${what}:\n- ${unique.join('\n- ')}`);
  }
}

// A header's text as its schema's type, so "450" validates as an integer.
function headerValue(text, schema) {
  const types = schema && schema.type !== undefined ? [].concat(schema.type) : [];
  const numeric = types.includes('integer') || types.includes('number');
  if (numeric && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

// fail(message) records a failure of this answer; note(message) one that
// is not about the answer (a schema that does not compile).
function checkHeaders(documented, res, fail, note) {
  for (const [name, raw] of Object.entries(documented.response.headers ?? {})) {
    if (name.toLowerCase() === 'content-type') continue; // OpenAPI ignores it here
    const at = `${documented.pointer}/headers/${escapeToken(name)}`;
    const { value: header, pointer } = deref(spec.doc, raw, at);
    const sent = res.headers[name.toLowerCase()];
    if (sent === undefined) {
      if (header.required !== false) fail(`documented header ${name} is missing`);
      continue;
    }
    if (header.schema !== undefined) {
      const schema = deref(spec.doc, header.schema, `${pointer}/schema`).value;
      const v = validate(`${pointer}/schema`, headerValue(String(sent), schema));
      if (v.compileError) note(v.compileError);
      else if (!v.ok) fail(`header ${name}: ${show(sent)} does not match its schema: ${v.errors}`);
    }
  }
}

function decodeBody(res, contentType, fail) {
  if (isJsonMediaType(contentType)) {
    try {
      return { parsed: true, value: JSON.parse(utf8.decode(res.body)) };
    } catch (err) {
      fail(`body is not UTF-8 JSON (${err.message}): ${show(res.body.toString('latin1'))}`);
      return { parsed: false };
    }
  }
  if (isTextMediaType(contentType)) {
    try {
      return { parsed: true, value: utf8.decode(res.body) };
    } catch (err) {
      fail(`body is not UTF-8 text (${err.message})`);
      return { parsed: false };
    }
  }
  return { parsed: false };
}

// Sends GET target (then HEAD) and checks the answer against operation op.
// expect is one of:
//   {ok: true}                                  200, any documented media type
//   {problem: {parameter, required}}            documented 4xx problem+json
//   {example: {code, mediaType, value, schemaPointer}}
// Returns the list of failures (empty when the answer keeps the contract)
// and the decoded body.
async function exchange(op, target, expect) {
  const failures = [];
  const fail = (message) => failures.push(`GET ${target}: ${message}`);
  const res = await client().request('GET', target);
  const contentType = res.headers['content-type'];
  const responseKeys = Object.keys(op.op.responses ?? {}).join(', ');

  let documented = null;
  if (expect.ok) {
    if (res.status !== 200) {
      fail(`status ${res.status}, expected 200; body ${show(res.body.toString('utf8'))}`);
    }
    documented = responseFor(spec.doc, op, res.status, { allowDefault: true });
  } else if (expect.problem) {
    if (res.status < 400 || res.status > 499) {
      fail(`status ${res.status}, expected a 4xx; body ${show(res.body.toString('utf8'))}`);
    }
    documented = responseFor(spec.doc, op, res.status);
    if (!documented) {
      fail(`status ${res.status} is not documented for ${op.key} (documented: ${responseKeys})`);
    }
    if (!sameMediaType(contentType ?? '', 'application/problem+json')) {
      fail(`Content-Type ${show(contentType)}, expected application/problem+json`);
    }
  } else {
    const code = expect.example.code;
    const matches = code === 'default' || String(res.status) === code
      || (/^[1-5]XX$/.test(code) && String(res.status)[0] === code[0]);
    if (!matches) fail(`status ${res.status}, but the example sits under response ${code}`);
    if (!sameMediaType(contentType ?? '', expect.example.mediaType)) {
      fail(`Content-Type ${show(contentType)}, but the example sits under ${expect.example.mediaType}`);
    }
    documented = responseFor(spec.doc, op, res.status, { allowDefault: true });
  }
  if (!documented && !expect.problem) {
    fail(`status ${res.status} is not documented for ${op.key} (documented: ${responseKeys})`);
  }

  if (contentType === undefined) fail('no Content-Type');
  const lengthHeader = res.headers['content-length'];
  if (lengthHeader === undefined) fail('no Content-Length');
  else if (Number(lengthHeader) !== res.body.length) {
    fail(`Content-Length ${lengthHeader}, body has ${res.body.length} bytes`);
  }

  const body = decodeBody(res, contentType ?? '', fail);
  let schemaPointer = expect.example ? expect.example.schemaPointer : null;
  if (documented && contentType !== undefined) {
    const content = documented.response.content ?? {};
    const mediaKey = Object.keys(content).find((k) => sameMediaType(k, contentType));
    if (mediaKey === undefined) {
      fail(`Content-Type ${show(contentType)} is not documented for response ${documented.key} `
        + `(documented: ${Object.keys(content).join(', ') || 'no content'})`);
    } else if (!expect.example) {
      if (content[mediaKey].schema === undefined) {
        fail(`response ${documented.key} ${mediaKey} has no schema`);
      } else {
        schemaPointer = `${documented.pointer}/content/${escapeToken(mediaKey)}/schema`;
      }
    }
    checkHeaders(documented, res, fail, (m) => failures.push(m));
  }
  if (schemaPointer && body.parsed) {
    const v = validate(schemaPointer, body.value);
    if (v.compileError) failures.push(v.compileError);
    else if (!v.ok) fail(`body does not match ${schemaPointer}: ${v.errors}`);
  }

  if (expect.problem && body.parsed && body.value && typeof body.value === 'object') {
    if (body.value.status !== res.status) {
      fail(`problem member status is ${show(body.value.status)}, HTTP status ${res.status}`);
    }
    const { parameter, required } = expect.problem;
    if (required || Object.hasOwn(body.value, 'parameter')) {
      if (body.value.parameter !== parameter) {
        fail(`problem member parameter is ${show(body.value.parameter)}, expected ${show(parameter)}`);
      }
    }
  }
  if (expect.example && body.parsed) {
    const d = firstDifference(body.value, expect.example.value);
    if (d) fail(`body differs from the example at ${d}`);
  }

  const head = await client().request('HEAD', target);
  const headFail = (message) => failures.push(`HEAD ${target}: ${message}`);
  if (head.status !== res.status) headFail(`status ${head.status}, GET gave ${res.status}`);
  if (head.headers['content-type'] !== contentType) {
    headFail(`Content-Type ${show(head.headers['content-type'])}, GET gave ${show(contentType)}`);
  }
  if (res.status === 200 && changesEveryRequest(op)) {
    // Another body than the GET's, so only its presence can be checked.
    if (head.headers['content-length'] === undefined) headFail('no Content-Length');
  } else if (head.headers['content-length'] !== String(res.body.length)) {
    headFail(`Content-Length ${show(head.headers['content-length'])}, GET body has ${res.body.length} bytes`);
  }
  if (head.body.length !== 0) headFail(`has a ${head.body.length}-byte body`);

  return { failures, res, body };
}

// Whether op's 200 is documented as differing on every request (/metrics):
// its ETag and length cannot be expected to come again.
function changesEveryRequest(op) {
  return responseFor(spec.doc, op, 200)?.response['x-changes-with-every-request'] === true;
}

// A list: an operation whose `format` parameter offers csv.
function isList(op) {
  return op.parameters.some((p) => p.in === 'query' && p.name === 'format'
    && (parameterFacts(spec.doc, p).enum ?? []).includes('csv'));
}

// The media type keys of op's documented 200.
function okMediaTypes(op) {
  return Object.keys(responseFor(spec.doc, op, 200)?.response.content ?? {});
}

// The 200 media types one target of op can send: all the documented ones,
// but for an operation marked x-media-type-by-path (a static file, whose
// type its name decides) only the documented one the target is served as.
async function targetMediaTypes(op, target) {
  const all = okMediaTypes(op);
  if (op.op['x-media-type-by-path'] !== true) return all;
  const res = await client().request('GET', target);
  return all.filter((k) => sameMediaType(k, res.headers['content-type'] ?? ''));
}

// The schema pointer of a documented response's media type matching
// contentType, or null.
function mediaSchemaPointer(documented, contentType) {
  const content = documented?.response.content ?? {};
  const key = Object.keys(content).find((k) => sameMediaType(k, contentType ?? ''));
  if (key === undefined || content[key].schema === undefined) return null;
  return `${documented.pointer}/content/${escapeToken(key)}/schema`;
}

// The JSON body of res, or undefined after recording why it is not one.
function jsonOf(res, fail) {
  try {
    return JSON.parse(utf8.decode(res.body));
  } catch (err) {
    fail(`body is not UTF-8 JSON (${err.message})`);
    return undefined;
  }
}

// The target of a Link header `<target>; rel="next"`, or null.
function nextLink(header) {
  const m = /^<([^<>]*)>; rel="next"$/.exec(header ?? '');
  return m ? m[1] : null;
}

// Sends target back with its own 200's ETag (and the forms that must match
// it: weak, in a list, `*`), by GET and HEAD, expecting the documented 304
// each time; a stale tag must get the 200. Returns the failures.
async function checkNotModified(op, target, notModified) {
  const failures = [];
  const ok = await client().request('GET', target);
  if (ok.status !== 200) return [`GET ${target}: status ${ok.status}, expected 200`];
  const etag = ok.headers.etag;
  if (etag === undefined) return [`GET ${target}: the 200 has no ETag`];
  const volatile = changesEveryRequest(op);
  const conditions = volatile ? [['GET', '*'], ['HEAD', '*']]
    : [['GET', etag], ['GET', `W/${etag}`], ['GET', `${STALE_ETAG}, ${etag}`], ['GET', '*'], ['HEAD', etag]];
  for (const [method, condition] of conditions) {
    const res = await client().request(method, target, { 'if-none-match': condition });
    const fail = (m) => failures.push(`${method} ${target} with If-None-Match: ${condition}: ${m}`);
    if (res.status !== 304) {
      fail(`status ${res.status}, expected 304`);
      continue;
    }
    if (res.body.length !== 0) fail(`a ${res.body.length}-byte body`);
    if (res.headers['content-type'] !== undefined) {
      fail(`Content-Type ${show(res.headers['content-type'])}, but a 304 has no content`);
    }
    if (!volatile) {
      for (const name of ['etag', 'cache-control', 'vary']) {
        if (res.headers[name] !== ok.headers[name]) {
          fail(`${name} ${show(res.headers[name])}, the 200 has ${show(ok.headers[name])}`);
        }
      }
      const length = res.headers['content-length'];
      if (length !== undefined && Number(length) !== ok.body.length) {
        fail(`Content-Length ${length}, the 200's body has ${ok.body.length} bytes`);
      }
    }
    checkHeaders(notModified, res, fail, (m) => failures.push(m));
  }
  const stale = await client().request('GET', target, { 'if-none-match': STALE_ETAG });
  if (stale.status !== 200) {
    failures.push(`GET ${target} with If-None-Match: ${STALE_ETAG}: status ${stale.status}, expected 200`);
  }
  return failures;
}

// The example values of an operation's path parameters, or the reasons
// they cannot be had.
function pathValues(op) {
  const values = {};
  const missing = [];
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const ex = parameterExample(spec.doc, p);
    if (ex === undefined || ex === null || typeof ex === 'object') {
      missing.push(`path parameter ${p.name} has no usable example`);
    } else {
      values[p.name] = ex;
    }
  }
  for (const m of op.path.matchAll(/\{([^}]+)\}/g)) {
    if (!op.parameters.some((x) => x.in === 'path' && x.name === m[1])) {
      missing.push(`path parameter ${m[1]} is not documented`);
    }
  }
  return { values, missing };
}

// The requests the spec's parameters describe, each expected to answer 200.
function validTargets(op, values) {
  const targets = [buildTarget(op.path, values)];
  for (const p of op.parameters) {
    const facts = parameterFacts(spec.doc, p);
    const candidates = [];
    const ex = parameterExample(spec.doc, p);
    const scalar = ex === null || (ex !== undefined && typeof ex !== 'object');
    if (p.in === 'query' && scalar) candidates.push(ex);
    if (facts.enum) candidates.push(...facts.enum.filter((v) => v !== null));
    if (facts.integer && facts.minimum !== undefined) candidates.push(facts.minimum);
    if (facts.integer && facts.maximum !== undefined) candidates.push(facts.maximum);
    for (const v of candidates) {
      if (p.in === 'query') targets.push(buildTarget(op.path, values, [[p.name, v]]));
      else if (p.in === 'path') targets.push(buildTarget(op.path, { ...values, [p.name]: v }));
    }
  }
  return [...new Set(targets)];
}

// The invalid requests: [{target, parameter, required, why}], each expected
// to answer a documented 4xx problem; required says the problem must name
// the parameter (query parameters; a missing id is a 404 about the id).
function invalidTargets(op, values) {
  const cases = [];
  const add = (p, value, why) => {
    const target = p.in === 'query'
      ? buildTarget(op.path, values, [[p.name, value]])
      : buildTarget(op.path, { ...values, [p.name]: value });
    cases.push({ target, parameter: p.name, required: p.in === 'query', why });
  };
  for (const p of op.parameters.filter((x) => x.in === 'query' || x.in === 'path')) {
    const facts = parameterFacts(spec.doc, p);
    if (facts.enum) {
      let outside = NOT_IN_ENUM;
      while (facts.enum.includes(outside)) outside += 'x';
      add(p, outside, 'outside the enum');
      const shouted = String(facts.enum[0]).toUpperCase();
      if (!facts.enum.includes(shouted)) add(p, shouted, 'an enum value in the wrong case');
    }
    if (facts.integer) {
      if (facts.minimum !== undefined) add(p, facts.minimum - 1, 'minimum - 1');
      if (facts.maximum !== undefined) add(p, facts.maximum + 1, 'maximum + 1');
      add(p, 'abc', 'not an integer');
    }
    if (facts.pattern) {
      for (const bad of valuesBreakingPattern(facts.pattern)) {
        add(p, bad, `breaks pattern ${facts.pattern}`);
      }
    }
    if (p.in === 'path') add(p, MISSING_ID, 'an id that exists nowhere');
  }
  cases.push({
    target: buildTarget(op.path, values, [[UNKNOWN_PARAMETER, 1]]),
    parameter: UNKNOWN_PARAMETER, required: true, why: 'an unknown parameter',
  });
  const seen = new Set();
  return cases.filter((c) => !seen.has(c.target) && seen.add(c.target));
}

// The JSON body of a 200 to GET op with its path examples, and its schema.
async function liveBody(op) {
  const { values, missing } = pathValues(op);
  if (missing.length > 0) return null;
  const target = buildTarget(op.path, values);
  const res = await client().request('GET', target);
  const contentType = res.headers['content-type'];
  if (res.status !== 200 || !isJsonMediaType(contentType ?? '')) return null;
  const documented = responseFor(spec.doc, op, 200);
  const content = documented?.response.content ?? {};
  const mediaKey = Object.keys(content).find((k) => sameMediaType(k, contentType));
  if (!mediaKey || content[mediaKey].schema === undefined) return null;
  return {
    target,
    body: JSON.parse(utf8.decode(res.body)),
    schemaPointer: `${documented.pointer}/content/${escapeToken(mediaKey)}/schema`,
  };
}

// ---- the tests ---------------------------------------------------------------

if (loadError) {
  it('reads and prepares openapi/frontierd.yaml', () => {
    throw loadError;
  });
} else {
  describe(`frontierd against ${path.relative(SOURCE_DIR, spec.file)}`, () => {
    before(async () => {
      try {
        state.daemon = await startDaemon(BIN, SEED_DIR, SOURCE_DIR);
        state.client = createClient(state.daemon.port);
      } catch (err) {
        state.startError = err;
      }
    });

    after(() => {
      state.client?.close();
      state.daemon?.kill();
    });

    it('is an OpenAPI 3.1 document with operations', () => {
      assert.match(String(spec.doc.openapi), /^3\.1\.\d+$/, 'openapi must be 3.1.x');
      assert.ok(operations.length > 0, 'the document has no operations');
    });

    describe('components.schemas compile (Ajv 2020, strict mode)', () => {
      const names = Object.keys(spec.doc.components?.schemas ?? {});
      it('there are component schemas', () => assert.ok(names.length > 0));
      for (const name of names) {
        it(name, () => {
          validator.compile(`/components/schemas/${escapeToken(name)}`);
        });
      }
    });

    describe('route coverage', () => {
      const documented = new Set(operations.map((o) => o.key));
      it('every route of frontierd --routes is documented', () => {
        const routes = daemonRoutes(BIN);
        const undocumented = routes.filter((r) => !documented.has(r));
        assert.ok(undocumented.length === 0, `routes the spec does not document: ${undocumented.join(', ')}`);
      });
      it('every documented operation is a route of frontierd --routes', () => {
        const routes = new Set(daemonRoutes(BIN));
        const unserved = [...documented].filter((o) => !routes.has(o));
        assert.ok(unserved.length === 0,
          `documented operations frontierd does not route: ${unserved.join(', ')}`);
      });
    });

    describe('self-check: the validator is strict and wired to the right schemas', () => {
      it('compares media types by type and charset', () => {
        assert.ok(sameMediaType('application/json; charset=UTF-8', 'Application/JSON;charset="utf-8"'));
        assert.ok(sameMediaType('application/problem+json', 'application/problem+json'));
        assert.ok(!sameMediaType('application/json', 'application/json; charset=utf-8'));
        assert.ok(!sameMediaType('application/json', 'application/problem+json'));
        assert.ok(!sameMediaType('text/plain; charset=utf-8', 'text/plain; charset=us-ascii'));
        assert.equal(parseMediaType('not a media type'), null);
      });

      it('rejects an extra member in a closed object', async () => {
        const closed = operations.filter((op) => op.method === 'GET').filter((op) => {
          const r = responseFor(spec.doc, op, 200);
          const media = Object.entries(r?.response.content ?? {})
            .find(([k, m]) => isJsonMediaType(k) && m.schema);
          if (!media) return false;
          const s = deref(spec.doc, media[1].schema, '').value;
          return s.additionalProperties === false || s.unevaluatedProperties === false;
        });
        assert.ok(closed.length > 0, 'no GET operation answers 200 with a closed JSON object '
          + '(additionalProperties or unevaluatedProperties false)');
        let live = null;
        for (const op of closed) {
          live = await liveBody(op);
          if (live) break;
        }
        assert.ok(live, 'no closed-object operation gave a JSON 200 to its examples: '
          + closed.map((o) => o.key).join(', '));
        const good = validator.validate(live.schemaPointer, live.body);
        assert.ok(good.ok, `the real answer to GET ${live.target} must validate: ${good.errors}`);
        const bad = validator.validate(live.schemaPointer, { ...live.body, no_such_member: 1 });
        assert.ok(!bad.ok, `GET ${live.target} with an extra member validated against ${live.schemaPointer}`);
        assert.ok(bad.raw.some((e) => /^(additional|unevaluated)Properties$/.test(e.keyword)), bad.errors);
      });

      it('rejects a string where the spec says integer', async () => {
        let found = null;
        for (const op of operations.filter((o) => o.method === 'GET')) {
          const live = await liveBody(op);
          if (!live) continue;
          const schema = getPointer(spec.doc, live.schemaPointer);
          const at = findIntegerMember(spec.doc, schema, live.schemaPointer, live.body);
          if (at) {
            found = { live, at };
            break;
          }
        }
        assert.ok(found, 'no documented 200 answer holds an integer its schema declares');
        const { live, at } = found;
        const broken = structuredClone(live.body);
        let node = broken;
        for (const k of at.slice(0, -1)) node = node[k];
        node[at[at.length - 1]] = String(node[at[at.length - 1]]);
        const v = validator.validate(live.schemaPointer, broken);
        const where = at.map((k) => '/' + escapeToken(k)).join('');
        assert.ok(!v.ok, `GET ${live.target} with ${where} as a string validated`);
        assert.ok(v.raw.some((e) => e.keyword === 'type' && e.instancePath === where), v.errors);
      });

      it('rejects a problem as the answer of a success schema', async () => {
        // A static file's operation (x-media-type-by-path) answers no JSON.
        const op = operations.find((o) => o.method === 'GET' && o.parameters.some((p) => p.in === 'path')
          && o.op['x-media-type-by-path'] !== true);
        assert.ok(op, 'no operation with a path parameter');
        const live = await liveBody(op);
        assert.ok(live, `GET ${op.path} with its examples gave no JSON 200 to check`);
        const { values } = pathValues(op);
        const first = op.parameters.find((p) => p.in === 'path').name;
        const res = await client().request('GET', buildTarget(op.path, { ...values, [first]: MISSING_ID }));
        const problem = JSON.parse(utf8.decode(res.body));
        assert.ok(!validator.validate(live.schemaPointer, problem).ok,
          `a problem validated against ${live.schemaPointer}`);
      });
    });

    for (const op of operations) {
      describe(op.key, () => {
        it('its schemas compile (Ajv 2020, strict mode)', () => {
          const failures = [];
          for (const pointer of operationSchemaPointers(spec.doc, op)) {
            try {
              validator.compile(pointer);
            } catch (err) {
              failures.push(`${pointer}: ${err.message}`);
            }
          }
          failIfAny(failures, 'schemas do not compile');
        });

        it('its examples are valid against their schemas', () => {
          const failures = [];
          for (const ex of responseExamples(spec.doc, op)) {
            if (!ex.schemaPointer) continue;
            const v = validate(ex.schemaPointer, ex.value);
            if (v.compileError) failures.push(v.compileError);
            else if (!v.ok) {
              failures.push(`example ${ex.name} of ${ex.code} ${ex.mediaType}: ${v.errors}`);
            }
          }
          for (const ex of requestExamples(spec.doc, op)) {
            if (!ex.schemaPointer) continue;
            const v = validate(ex.schemaPointer, ex.value);
            if (v.compileError) failures.push(v.compileError);
            else if (!v.ok) failures.push(`request example ${ex.name} (${ex.mediaType}): ${v.errors}`);
          }
          for (const p of op.parameters) {
            const ex = parameterExample(spec.doc, p);
            if (ex === undefined || p.schema === undefined) continue;
            const v = validate(`${p.pointer}/schema`, ex);
            if (v.compileError) failures.push(v.compileError);
            else if (!v.ok) failures.push(`example of ${p.in} parameter ${p.name}: ${v.errors}`);
          }
          failIfAny(failures, 'examples are invalid');
        });

        if (op.method !== 'GET') return;

        it('answers the examples summarised "GET <target>" exactly', async () => {
          const failures = [];
          for (const ex of responseExamples(spec.doc, op)) {
            const m = /^GET\s+(\/\S*)\s*$/.exec(ex.summary ?? '');
            // Examples of the write sequence are replayed by the writes suite.
            if (!m || ex.request !== undefined) continue;
            const target = safeTarget(m[1]);
            if (!targetMatchesTemplate(target, op.path)) {
              failures.push(`example ${ex.name} (${ex.summary}) is not a request to ${op.path}`);
              continue;
            }
            const result = await exchange(op, target, { example: ex });
            const where = `example ${ex.name} under ${ex.code} ${ex.mediaType}`;
            failures.push(...result.failures.map((f) => `${where}: ${f}`));
          }
          failIfAny(failures, 'examples differ from the answers');
        });

        it('answers 200 to the requests its parameters describe', async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const failures = [];
          for (const target of validTargets(op, values)) {
            failures.push(...(await exchange(op, target, { ok: true })).failures);
          }
          failIfAny(failures, 'answers break the contract');
        });

        it('answers invalid parameters with a documented problem', async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const failures = [];
          for (const c of invalidTargets(op, values)) {
            const expect = { problem: { parameter: c.parameter, required: c.required } };
            const result = await exchange(op, c.target, expect);
            failures.push(...result.failures.map((f) => `${f} (${c.parameter}: ${c.why})`));
          }
          failIfAny(failures, 'answers break the contract');
        });

        it('answers If-None-Match holding its ETag with the documented 304', async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const notModified = responseFor(spec.doc, op, 304);
          assert.ok(notModified, `${op.key} documents no 304, but its 200 has an ETag`);
          const targets = [buildTarget(op.path, values)];
          if (isList(op)) targets.push(buildTarget(op.path, values, [['format', 'csv']]));
          const failures = [];
          for (const target of targets) failures.push(...(await checkNotModified(op, target, notModified)));
          failIfAny(failures, 'conditional answers break the contract');
        });

        it(`answers Accept: ${REFUSED_MEDIA_TYPE} with the documented 406, and Accept naming a 200 media type with it`, async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const documented = responseFor(spec.doc, op, 406);
          assert.ok(documented, `${op.key} documents no 406`);
          const target = buildTarget(op.path, values);
          const mediaTypes = await targetMediaTypes(op, target);
          const failures = [];
          const fail = (m) => failures.push(`GET ${target} with Accept: ${REFUSED_MEDIA_TYPE}: ${m}`);
          const res = await client().request('GET', target, { accept: REFUSED_MEDIA_TYPE });
          const contentType = res.headers['content-type'];
          const schemaPointer = mediaSchemaPointer(documented, contentType);
          if (res.status !== 406) {
            fail(`status ${res.status}, expected 406`);
          } else if (!sameMediaType(contentType ?? '', 'application/problem+json')) {
            fail(`Content-Type ${show(contentType)}, expected application/problem+json`);
          } else if (!schemaPointer) {
            fail(`Content-Type ${show(contentType)} is not documented for the 406`);
          } else {
            const body = jsonOf(res, fail);
            if (body !== undefined) {
              const v = validate(schemaPointer, body);
              if (v.compileError) failures.push(v.compileError);
              else if (!v.ok) fail(`body does not match ${schemaPointer}: ${v.errors}`);
              const offered = mediaTypes.map((k) => parseMediaType(k)?.type).sort();
              const available = Array.isArray(body.available) ? [...body.available].sort() : body.available;
              if (!isDeepStrictEqual(available, offered)) {
                fail(`available is ${show(body.available)}, the documented 200 has ${show(offered)}`);
              }
            }
            checkHeaders(documented, res, fail, (m) => failures.push(m));
          }
          const head = await client().request('HEAD', target, { accept: REFUSED_MEDIA_TYPE });
          if (head.status !== res.status || head.body.length !== 0) {
            failures.push(`HEAD ${target} with Accept: ${REFUSED_MEDIA_TYPE}: status ${head.status} `
              + `and ${head.body.length} body bytes; GET gave ${res.status}`);
          }
          // Each media type the 200 documents, asked for alone, is what comes;
          // and a "+json" one comes to a client asking for application/json.
          const asks = mediaTypes.map((k) => [parseMediaType(k).type, k]);
          for (const [, k] of [...asks]) {
            if (parseMediaType(k).type.endsWith('+json')) asks.push(['application/json', k]);
          }
          for (const [accept, key] of asks) {
            const r = await client().request('GET', target, { accept });
            if (r.status !== 200 || !sameMediaType(r.headers['content-type'] ?? '', key)) {
              failures.push(`GET ${target} with Accept: ${accept}: status ${r.status}, `
                + `Content-Type ${show(r.headers['content-type'])}; expected 200 ${key}`);
            }
          }
          failIfAny(failures, 'answers break the contract');
        });

        it(`sends gzip exactly when asked for a body of ${GZIP_MIN_BYTES} bytes or more`, async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const target = buildTarget(op.path, values);
          const documented = responseFor(spec.doc, op, 200);
          const volatile = changesEveryRequest(op);
          const failures = [];
          const plain = await client().request('GET', target);
          const packed = await client().request('GET', target, { 'accept-encoding': 'gzip' });
          const refused = await client().request('GET', target, { 'accept-encoding': 'gzip;q=0, identity' });
          const fail = (m) => failures.push(`GET ${target} with Accept-Encoding: gzip: ${m}`);
          for (const [r, what] of [[plain, 'without Accept-Encoding'], [refused, 'with gzip;q=0']]) {
            if (r.headers['content-encoding'] !== undefined) {
              failures.push(`GET ${target} ${what}: Content-Encoding ${show(r.headers['content-encoding'])}`);
            }
          }
          if (plain.status !== 200 || packed.status !== 200) {
            fail(`status ${packed.status} (${plain.status} without), expected 200`);
          } else if (plain.body.length >= GZIP_MIN_BYTES) {
            const varies = (r) => (r.headers.vary ?? '').split(/\s*,\s*/).includes('Accept-Encoding');
            if (packed.headers['content-encoding'] !== 'gzip') {
              fail(`Content-Encoding ${show(packed.headers['content-encoding'])} for a ${plain.body.length}-byte body`);
            } else {
              let unpacked = null;
              try {
                unpacked = gunzipSync(packed.body);
              } catch (err) {
                fail(`the body does not gunzip: ${err.message}`);
              }
              if (unpacked && !volatile && !unpacked.equals(plain.body)) fail('the body gunzips to another body');
              if (!volatile && packed.headers.etag === plain.headers.etag) {
                fail(`the gzip copy has the identity copy's ETag ${plain.headers.etag}`);
              }
            }
            if (!varies(plain) || !varies(packed)) {
              fail(`Vary ${show(packed.headers.vary)} (${show(plain.headers.vary)} without) lacks Accept-Encoding`);
            }
            if (Number(packed.headers['content-length']) !== packed.body.length) {
              fail(`Content-Length ${show(packed.headers['content-length'])}, body ${packed.body.length} bytes`);
            }
          } else {
            if (packed.headers['content-encoding'] !== undefined) {
              fail(`Content-Encoding ${show(packed.headers['content-encoding'])} for a ${plain.body.length}-byte body`);
            }
            if (!volatile && !packed.body.equals(plain.body)) fail('another body than without Accept-Encoding');
          }
          checkHeaders(documented, packed, fail, (m) => failures.push(m));
          failIfAny(failures, 'answers break the contract');
        });

        it('answers a request with Origin with the documented CORS headers', async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const target = buildTarget(op.path, values);
          const documented = responseFor(spec.doc, op, 200);
          const failures = [];
          const fail = (m) => failures.push(`GET ${target} with Origin: ${ORIGIN}: ${m}`);
          const res = await client().request('GET', target, { origin: ORIGIN });
          if (res.status !== 200) fail(`status ${res.status}, expected 200`);
          // The daemon runs with its default policy: any origin may read.
          if (res.headers['access-control-allow-origin'] !== '*') {
            fail(`Access-Control-Allow-Origin ${show(res.headers['access-control-allow-origin'])}, expected "*"`);
          }
          if (res.headers['access-control-expose-headers'] === undefined) fail('no Access-Control-Expose-Headers');
          for (const name of Object.keys(documented?.response.headers ?? {})) {
            if (/^access-control-/i.test(name) && res.headers[name.toLowerCase()] === undefined) {
              fail(`documented header ${name} is missing`);
            }
          }
          checkHeaders(documented, res, fail, (m) => failures.push(m));
          const plain = await client().request('GET', target);
          if (plain.headers['access-control-allow-origin'] !== undefined) {
            failures.push(`GET ${target} without Origin: Access-Control-Allow-Origin `
              + `${show(plain.headers['access-control-allow-origin'])}`);
          }
          failIfAny(failures, 'answers break the contract');
        });

        if (!isList(op)) return;

        it('answers format=csv with its JSON page as CSV, under a header row of declared columns', async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const documented = responseFor(spec.doc, op, 200);
          const jsonPointer = mediaSchemaPointer(documented, 'application/json');
          assert.ok(jsonPointer, `${op.key}: the 200 documents no application/json schema`);
          const csvKey = okMediaTypes(op).find((k) => parseMediaType(k)?.type === 'text/csv');
          assert.ok(csvKey, `${op.key} takes format=csv but its 200 documents no text/csv`);
          const jsonTarget = buildTarget(op.path, values, [['limit', PAGE], ['format', 'json']]);
          const csvTarget = buildTarget(op.path, values, [['limit', PAGE], ['format', 'csv']]);
          const failures = [];
          const fail = (m) => failures.push(`GET ${csvTarget}: ${m}`);

          const jsonRes = await client().request('GET', jsonTarget);
          assert.equal(jsonRes.status, 200, `GET ${jsonTarget}: status ${jsonRes.status}`);
          const page = JSON.parse(utf8.decode(jsonRes.body));
          const res = await client().request('GET', csvTarget);
          assert.equal(res.status, 200, `GET ${csvTarget}: status ${res.status}`);
          if (!sameMediaType(res.headers['content-type'] ?? '', csvKey)) {
            fail(`Content-Type ${show(res.headers['content-type'])}, expected ${csvKey}`);
          }
          const csv = parseCsv(utf8.decode(res.body));
          if (csv.error) {
            fail(`not RFC 4180 CSV: ${csv.error}`);
          } else {
            const { header } = csv;
            if (header[0] !== 'id') fail(`the first column is ${show(header[0])}, not "id"`);
            const seen = new Set();
            for (const column of header) {
              if (seen.has(column)) fail(`column ${show(column)} is repeated`);
              seen.add(column);
              const names = column.split('.');
              if (!names.every((n) => /^[a-z_][a-z0-9_]*$/.test(n))) {
                fail(`column ${show(column)} is not a dotted member name`);
              } else if (!schemaDeclaresPath(spec.doc, jsonPointer, ['items', null, ...names])) {
                fail(`column ${column} is not a member the item schema (${jsonPointer}) declares`);
              }
            }
            failures.push(...compareWithItems(csv, page.items).map((m) => `GET ${csvTarget}: ${m}`));
          }
          // Link: the next CSV page, as next_cursor says, under the same header.
          const link = nextLink(res.headers.link);
          if ((link !== null) !== (page.next_cursor !== null)) {
            fail(`Link ${show(res.headers.link)}, but the JSON page's next_cursor is ${show(page.next_cursor)}`);
          }
          if (link !== null && !csv.error) {
            if (!link.includes('format=csv')) fail(`Link ${link} drops format=csv`);
            const next = await client().request('GET', link);
            const nextCsv = next.status === 200 ? parseCsv(utf8.decode(next.body)) : { error: `status ${next.status}` };
            if (nextCsv.error) failures.push(`GET ${link}: ${nextCsv.error}`);
            else if (!isDeepStrictEqual(nextCsv.header, csv.header)) {
              failures.push(`GET ${link}: another header row than the first page's`);
            }
          }
          failIfAny(failures, 'CSV answers break the contract');
        });

        it('links its next page in Link exactly when next_cursor names one', async () => {
          const { values, missing } = pathValues(op);
          failIfAny(missing, 'path parameters cannot be filled');
          const failures = [];
          for (const target of [buildTarget(op.path, values), buildTarget(op.path, values, [['limit', 1]])]) {
            const fail = (m) => failures.push(`GET ${target}: ${m}`);
            const res = await client().request('GET', target);
            if (res.status !== 200) {
              fail(`status ${res.status}, expected 200`);
              continue;
            }
            const page = jsonOf(res, fail);
            if (page === undefined) continue;
            const link = nextLink(res.headers.link);
            if (page.next_cursor === null) {
              if (res.headers.link !== undefined) fail(`Link ${show(res.headers.link)} on the last page`);
              continue;
            }
            const expected = `${target}${target.includes('?') ? '&' : '?'}cursor=${page.next_cursor}`;
            if (link !== expected) {
              fail(`Link ${show(res.headers.link)}, expected <${expected}>; rel="next"`);
              continue;
            }
            const next = await client().request('GET', link);
            const nextPage = next.status === 200 ? jsonOf(next, fail) : undefined;
            if (next.status !== 200) fail(`its Link ${link} answers ${next.status}`);
            else if (nextPage && page.items.length > 0 && nextPage.items.length > 0
              && nextPage.items[0].id === page.items[0].id) {
              fail(`its Link ${link} answers the same page again`);
            }
          }
          failIfAny(failures, 'answers break the contract');
        });
      });
    }

    describe('request ids', () => {
      // Any GET route without path parameters answers 200 to its bare path.
      const first = operations.find((o) => o.method === 'GET' && !o.path.includes('{'));

      it('echoes a valid X-Request-Id, on success, error and OPTIONS answers', async () => {
        assert.ok(first, 'no GET operation without path parameters');
        const id = 'contract.test_ID-1';
        const failures = [];
        const requests = [['GET', first.path], ['GET', `${first.path}?${UNKNOWN_PARAMETER}=1`],
          ['GET', '/no-such-path'], ['OPTIONS', first.path], ['HEAD', first.path]];
        for (const [method, target] of requests) {
          const res = await client().request(method, target, { 'x-request-id': id });
          if (res.headers['x-request-id'] !== id) {
            failures.push(`${method} ${target} (${res.status}): X-Request-Id ${show(res.headers['x-request-id'])}`);
          }
        }
        failIfAny(failures, 'answers do not echo the request id');
      });

      it('makes up an id for a missing or invalid one, never refusing the request', async () => {
        assert.ok(first, 'no GET operation without path parameters');
        const failures = [];
        const seen = new Set();
        const given = [undefined, '', 'has space', 'x'.repeat(129), 'semi;colon', 'ünïcode'];
        for (const id of given) {
          const headers = id === undefined ? {} : { 'x-request-id': id };
          const res = await client().request('GET', first.path, headers);
          const sent = res.headers['x-request-id'];
          if (res.status !== 200) failures.push(`X-Request-Id ${show(id)}: status ${res.status}`);
          if (!/^[0-9a-f]{32}$/.test(sent ?? '')) {
            failures.push(`X-Request-Id ${show(id)}: answered ${show(sent)}, not 32 new hex digits`);
          } else if (seen.has(sent)) {
            failures.push(`X-Request-Id ${show(id)}: answered ${sent} twice`);
          }
          seen.add(sent);
        }
        for (const traceparent of ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'not-a-trace']) {
          const res = await client().request('GET', first.path, { traceparent });
          if (res.status !== 200) failures.push(`traceparent ${show(traceparent)}: status ${res.status}`);
        }
        failIfAny(failures, 'answers break the contract');
      });
    });

    // The daemon serves this document: /openapi.yaml byte for byte, and
    // /openapi.json as the same JSON value.
    const serves = (p) => operations.some((o) => o.key === `GET ${p}`);
    if (serves('/openapi.json') || serves('/openapi.yaml')) {
      describe('the served contract is this document', () => {
        if (serves('/openapi.yaml')) {
          it('GET /openapi.yaml is the file, byte for byte', async () => {
            const res = await client().request('GET', '/openapi.yaml');
            assert.equal(res.status, 200, `GET /openapi.yaml: status ${res.status}`);
            if (res.body.equals(spec.bytes)) return;
            const served = res.body.toString('utf8').split('\n');
            const file = spec.bytes.toString('utf8').split('\n');
            let line = served.findIndex((l, i) => l !== file[i]);
            if (line < 0) line = served.length;
            assert.fail(`GET /openapi.yaml differs from ${path.relative(SOURCE_DIR, spec.file)} `
              + `at line ${line + 1}: served ${show(served[line])}, file ${show(file[line])}`);
          });
        }
        if (serves('/openapi.json')) {
          it('GET /openapi.json is the same document', async () => {
            const res = await client().request('GET', '/openapi.json');
            assert.equal(res.status, 200, `GET /openapi.json: status ${res.status}`);
            const d = firstDifference(JSON.parse(utf8.decode(res.body)), spec.doc);
            assert.ok(d === null,
              `GET /openapi.json differs from ${path.relative(SOURCE_DIR, spec.file)} at ${d}`);
          });
        }
      });
    }

    it('exits with status 0 on SIGTERM', async (t) => {
      const c = client();
      t.diagnostic(`${c.count} requests made`);
      c.close();
      const { code, signal } = await state.daemon.stop();
      assert.ok(code === 0 && signal === null,
        `frontierd exited with ${signal ?? code}; it wrote:\n${state.daemon.stderr()}`);
    });
  });

  describeWrites({
    spec, operations, validate, checkHeaders, firstDifference, failIfAny, show, BIN, SEED_DIR, SOURCE_DIR,
  });
}
