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
//   - the validator itself rejects wrong bodies (self-check);
//   - SIGTERM stops the daemon with exit status 0 (a sanitizer report or a
//     leak makes it non-zero; its stderr is printed then).
//
// Run: node --test tests/contract/contract.test.mjs. meson sets
// FRONTIERD_BIN, FRONTIER_SEED_DIR and FRONTIER_SOURCE_DIR; run by hand they
// default to build/frontierd, data/seed and this checkout.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { daemonRoutes, startDaemon } from './daemon.mjs';
import {
  createClient, isJsonMediaType, isTextMediaType, parseMediaType, safeTarget, sameMediaType,
} from './http.mjs';
import {
  buildTarget, createValidator, deref, escapeToken, findIntegerMember, getPointer, loadSpec,
  operationSchemaPointers, operationsOf, parameterExample, parameterFacts, responseExamples,
  responseFor, targetMatchesTemplate, valuesBreakingPattern,
} from './spec.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = process.env.FRONTIER_SOURCE_DIR || path.resolve(HERE, '..', '..');
const SEED_DIR = process.env.FRONTIER_SEED_DIR || path.join(SOURCE_DIR, 'data', 'seed');
const BIN = process.env.FRONTIERD_BIN || path.join(SOURCE_DIR, 'build', 'frontierd');

const UNKNOWN_PARAMETER = 'no_such_parameter';
const MISSING_ID = 'no-such-id';
const NOT_IN_ENUM = 'no-such-value';
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
  if (head.headers['content-length'] !== String(res.body.length)) {
    headFail(`Content-Length ${show(head.headers['content-length'])}, GET body has ${res.body.length} bytes`);
  }
  if (head.body.length !== 0) headFail(`has a ${head.body.length}-byte body`);

  return { failures, res, body };
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
        const op = operations.find((o) => o.method === 'GET' && o.parameters.some((p) => p.in === 'path'));
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
            if (!m) continue;
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
      });
    }

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
}
