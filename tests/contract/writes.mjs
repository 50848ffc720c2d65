// The writes part of the contract test, against a daemon of its own that
// takes writes from one token (replay.mjs's CONTRACT_TOKEN):
//   - every write operation names the bearer scheme and every read none;
//   - the write examples (replay.mjs) are what a fresh daemon answers, in
//     order: status, media type, schema, documented headers and the body
//     (times and entity tags aside, whose form is checked);
//   - for every write operation, requests that give each status it
//     documents, success and every class of refusal, each answer held to
//     that status's documented headers and schema, and the record read
//     back (or found unwritten) after it;
//   - the change feed lists those writes, each entry valid;
//   - OPTIONS on every path allows exactly the methods documented for it;
//   - SIGTERM stops the daemon with exit status 0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startDaemon } from './daemon.mjs';
import { createClient, isJsonMediaType, sameMediaType } from './http.mjs';
import {
  CONTRACT_ACTOR, CONTRACT_TOKEN, WRITER_ARGS, WRITER_BODY_LIMIT, buildRequest, normalise,
  sequenceExamples, writerEnv,
} from './replay.mjs';
import {
  buildTarget, escapeToken, parameterExample, requestExamples, responseFor,
} from './spec.mjs';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const STALE_ETAG = '"0000000000000000"';
const MISSING_ID = 'no-such-id';
const UNKNOWN_MEMBER = 'no_such_member';
const WRONG_TOKEN = 'not-a-configured-token-0123456789';
// Records of the seed that others refer to, so that deleting one is a 409.
const REFERENCED = {
  '/v1/sources/{id}': 'yicai-grok4-article',
  '/v1/organizations/{id}': 'xai',
  '/v1/people/{id}': 'elon-musk',
  '/v1/models/{id}': 'grok-4',
  '/v1/benchmarks/{id}': 'humanitys-last-exam',
  '/v1/valuations/{id}': 'xai-x-combined-2025-03',
};
// The order of methods in an Allow header (src/http/router.c).
const ALLOW_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

// The record with its id, and every nested record's, made new with a suffix.
function freshIds(record, tag) {
  const rename = (id) => `${id}-${tag}`.slice(0, 64);
  const out = { ...record, id: rename(record.id) };
  for (const [k, v] of Object.entries(out)) {
    if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && typeof x.id === 'string')) {
      out[k] = v.map((x) => ({ ...x, id: rename(x.id) }));
    }
  }
  return out;
}

const json = (value) => JSON.stringify(value);

// h: {spec, operations, validate, checkHeaders, firstDifference, failIfAny,
// show, BIN, SEED_DIR, SOURCE_DIR}, the contract test's own helpers.
export function describeWrites(h) {
  const { spec, operations, validate, checkHeaders, firstDifference, failIfAny, show } = h;
  const writes = operations.filter((o) => ['POST', 'PATCH', 'DELETE'].includes(o.method));
  const state = { daemon: null, client: null, startError: null };
  const client = () => {
    if (state.startError) throw state.startError;
    return state.client;
  };

  // The path of a target, as a problem's instance gives it.
  const pathOf = (target) => decodeURIComponent(target.split('?')[0]);

  // Sends one request and holds the answer to op's documented response for
  // c.status: {what, method, target, headers, body, chunked, status, slug,
  // check(res, body, fail)}. Returns {res, body}.
  async function expectAnswer(op, c, failures) {
    const label = `${c.what}: ${c.method} ${c.target}`;
    const fail = (m) => failures.push(`${label}: ${m}`);
    let res;
    try {
      res = await client().request(c.method, c.target, c.headers ?? {}, c.body ?? null, { chunked: !!c.chunked });
    } catch (err) {
      fail(`the request failed: ${err.message}`);
      return { res: null, body: undefined };
    }
    if (res.status !== c.status) {
      fail(`status ${res.status}, expected ${c.status}; body ${show(res.body.toString('utf8'))}`);
      return { res, body: undefined };
    }
    const documented = responseFor(spec.doc, op, res.status);
    if (!documented) {
      fail(`status ${res.status} is not documented for ${op.key}`);
      return { res, body: undefined };
    }
    const contentType = res.headers['content-type'];
    const length = res.headers['content-length'];
    if (length !== undefined && Number(length) !== res.body.length) {
      fail(`Content-Length ${length}, body has ${res.body.length} bytes`);
    }
    checkHeaders(documented, res, fail, (m) => failures.push(m));
    const content = documented.response.content ?? {};
    if (Object.keys(content).length === 0) {
      if (res.body.length !== 0) fail(`a ${res.body.length}-byte body where ${documented.key} has no content`);
      if (contentType !== undefined) fail(`Content-Type ${show(contentType)} where ${documented.key} has no content`);
      return { res, body: undefined };
    }
    const mediaKey = Object.keys(content).find((k) => sameMediaType(k, contentType ?? ''));
    if (mediaKey === undefined) {
      fail(`Content-Type ${show(contentType)} is not documented for ${documented.key}`);
      return { res, body: undefined };
    }
    let body;
    try {
      body = JSON.parse(utf8.decode(res.body));
    } catch (err) {
      fail(`body is not UTF-8 JSON (${err.message})`);
      return { res, body: undefined };
    }
    const pointer = `${documented.pointer}/content/${escapeToken(mediaKey)}/schema`;
    const v = validate(pointer, body);
    if (v.compileError) failures.push(v.compileError);
    else if (!v.ok) fail(`body does not match ${pointer}: ${v.errors}`);
    if (c.slug) {
      if (body?.type !== `/problems/${c.slug}`) fail(`problem type ${show(body?.type)}, expected /problems/${c.slug}`);
      if (body?.status !== res.status) fail(`problem member status ${show(body?.status)}`);
      if (body?.instance !== pathOf(c.target)) fail(`instance ${show(body?.instance)}, expected ${pathOf(c.target)}`);
    }
    c.check?.(res, body, fail);
    return { res, body };
  }

  const writer = (extra = {}) => ({ authorization: `Bearer ${CONTRACT_TOKEN}`, ...extra });
  const jsonWriter = (extra = {}) => writer({ 'content-type': 'application/json', ...extra });

  async function etagOf(target) {
    const res = await client().request('GET', target);
    return res.status === 200 ? res.headers.etag : null;
  }

  // The refusals every write shares: who, the query, the size.
  function commonRefusals(method, target, body, headers) {
    const big = Buffer.alloc(WRITER_BODY_LIMIT + 1, 0x20);
    big[0] = 0x7b; // "{"
    big[big.length - 1] = 0x7d; // "}"
    return [
      { what: 'no token', method, target, headers: { ...headers, authorization: undefined }, body, status: 401, slug: 'unauthorized',
        check: (res, _b, fail) => {
          if (res.headers['www-authenticate'] !== 'Bearer realm="frontier-api"') {
            fail(`WWW-Authenticate ${show(res.headers['www-authenticate'])}`);
          }
        } },
      { what: 'a token no one configured', method, target, headers: { ...headers, authorization: `Bearer ${WRONG_TOKEN}` }, body,
        status: 401, slug: 'unauthorized',
        check: (res, _b, fail) => {
          if (!/error="invalid_token"/.test(res.headers['www-authenticate'] ?? '')) {
            fail(`WWW-Authenticate ${show(res.headers['www-authenticate'])} lacks error="invalid_token"`);
          }
        } },
      { what: 'another scheme', method, target, headers: { ...headers, authorization: 'Basic Y29udHJhY3Q6c2VjcmV0' }, body,
        status: 401, slug: 'unauthorized' },
      { what: 'a Bearer header that is not one token', method, target, headers: { ...headers, authorization: 'Bearer two tokens' },
        body, status: 400, slug: 'invalid-authorization',
        check: (res, _b, fail) => {
          if (!/error="invalid_request"/.test(res.headers['www-authenticate'] ?? '')) {
            fail(`WWW-Authenticate ${show(res.headers['www-authenticate'])} lacks error="invalid_request"`);
          }
        } },
      { what: 'a query parameter', method, target: `${target}?dry_run=1`, headers, body, status: 400, slug: 'invalid-parameter' },
      { what: `a body of ${big.length} bytes`, method, target, headers, body: big, status: 413, slug: 'body-too-large',
        check: (_r, b, fail) => { if (b?.limit !== WRITER_BODY_LIMIT) fail(`limit ${show(b?.limit)}, expected ${WRITER_BODY_LIMIT}`); } },
      { what: `a chunked body of ${big.length} bytes`, method, target, headers, body: big, chunked: true, status: 413,
        slug: 'body-too-large' },
    ].map((c) => ({ ...c, headers: Object.fromEntries(Object.entries(c.headers).filter(([, v]) => v !== undefined)) }));
  }

  // The refusals of a body: its media type and its JSON.
  function bodyRefusals(method, target, headers, good, accepted) {
    return [
      { what: 'a text/plain body', method, target, headers: { ...headers, 'content-type': 'text/plain' }, body: good,
        status: 415, slug: 'unsupported-media-type',
        check: (res, _b, fail) => {
          const name = method === 'PATCH' ? 'accept-patch' : 'accept-post';
          if (res.headers[name] !== accepted) fail(`${name} ${show(res.headers[name])}, expected ${accepted}`);
        } },
      { what: 'a Latin-1 body', method, target, headers: { ...headers, 'content-type': 'application/json; charset=iso-8859-1' },
        body: good, status: 415, slug: 'unsupported-media-type' },
      { what: 'JSON cut short', method, target, headers, body: '{"id":', status: 400, slug: 'malformed-json',
        check: (_r, b, fail) => {
          for (const k of ['line', 'column', 'position']) if (!Number.isInteger(b?.[k])) fail(`${k} ${show(b?.[k])}`);
        } },
      { what: 'a repeated member', method, target, headers, body: '{"id":"a","id":"b"}', status: 400, slug: 'malformed-json' },
      { what: 'no body', method, target, headers, body: '', status: 400, slug: 'empty-body' },
      { what: 'a JSON array', method, target, headers, body: '[1, 2]', status: 422, slug: 'invalid-record',
        check: (_r, b, fail) => { if (!b?.errors?.some((e) => e.pointer === '')) fail(`errors ${show(b?.errors)} name no pointer ""`); } },
    ];
  }

  const hasError = (b, pointer) => Array.isArray(b?.errors) && b.errors.some((e) => e.pointer === pointer);

  // ---- per operation ------------------------------------------------------

  async function flowPost(op) {
    const failures = [];
    const nested = op.path.includes('{');
    const example = requestExamples(spec.doc, op)[0];
    assert.ok(example, `${op.key} has no request body example`);
    let target = op.path;
    let parentTarget = null;
    if (nested) {
      const p = op.parameters.find((x) => x.in === 'path');
      const parentId = parameterExample(spec.doc, p);
      target = buildTarget(op.path, { [p.name]: parentId });
      parentTarget = target.slice(0, target.lastIndexOf('/'));
    }
    const record = freshIds(example.value, 'f1');
    const itemTarget = nested ? parentTarget : `${op.path}/${record.id}`;
    const created = await expectAnswer(op, {
      what: 'a new record', method: 'POST', target, headers: jsonWriter(), body: json(record), status: 201,
      check: (res, b, fail) => {
        if (res.headers.location !== itemTarget) fail(`Location ${show(res.headers.location)}, expected ${itemTarget}`);
        if (res.headers['idempotent-replayed'] !== undefined) fail('Idempotent-Replayed on a first request');
        if (nested) {
          const list = b?.[op.path.slice(op.path.lastIndexOf('/') + 1)];
          if (!Array.isArray(list) || !list.some((x) => x.id === record.id)) fail(`the parent lacks the new record ${record.id}`);
        } else if (b?.version !== 1 || b?.recorded_at !== b?.updated_at) {
          fail(`version ${show(b?.version)}, recorded_at ${show(b?.recorded_at)}, updated_at ${show(b?.updated_at)}`);
        }
      },
    }, failures);
    if (created.res?.status === 201) {
      const read = await client().request('GET', itemTarget);
      if (read.status !== 200 || !read.body.equals(created.res.body)) {
        failures.push(`GET ${itemTarget} after the POST: status ${read.status}, ${read.body.equals(created.res.body) ? 'same' : 'another'} body`);
      } else if (read.headers.etag !== created.res.headers.etag) {
        failures.push(`GET ${itemTarget}: ETag ${read.headers.etag}, the POST answered ${created.res.headers.etag}`);
      }
    }
    const cases = [];
    if (!nested) {
      const key = `contract-${op.path.replace(/\W+/g, '-')}-key`;
      const keyed = freshIds(example.value, 'f2');
      const first = await expectAnswer(op, {
        what: 'a keyed request', method: 'POST', target, headers: jsonWriter({ 'idempotency-key': key }), body: json(keyed), status: 201,
      }, failures);
      cases.push(
        { what: 'the keyed request again', method: 'POST', target, headers: jsonWriter({ 'idempotency-key': `"${key}"` }),
          body: json(keyed), status: 201,
          check: (res, _b, fail) => {
            if (res.headers['idempotent-replayed'] !== 'true') fail(`Idempotent-Replayed ${show(res.headers['idempotent-replayed'])}`);
            if (first.res && !res.body.equals(first.res.body)) fail('another body than the first answer');
          } },
        { what: 'the key with another body', method: 'POST', target, headers: jsonWriter({ 'idempotency-key': key }),
          body: json(freshIds(example.value, 'f3')), status: 422, slug: 'idempotency-key-reused' },
        { what: 'an empty Idempotency-Key', method: 'POST', target, headers: jsonWriter({ 'idempotency-key': '""' }),
          body: json(freshIds(example.value, 'f3')), status: 400, slug: 'invalid-header',
          check: (_r, b, fail) => { if (b?.header !== 'Idempotency-Key') fail(`header ${show(b?.header)}`); } },
        { what: 'the same id again', method: 'POST', target, headers: jsonWriter(), body: json(record), status: 409,
          slug: 'already-exists' },
      );
    } else {
      const p = op.parameters.find((x) => x.in === 'path');
      cases.push({ what: 'a parent no record is', method: 'POST', target: buildTarget(op.path, { [p.name]: MISSING_ID }),
        headers: jsonWriter(), body: json(freshIds(example.value, 'f4')), status: 404, slug: 'not-found' });
    }
    const unknown = { ...freshIds(example.value, 'f5'), [UNKNOWN_MEMBER]: 1 };
    cases.push(
      { what: 'an unknown member', method: 'POST', target, headers: jsonWriter(), body: json(unknown), status: 422,
        slug: 'invalid-record',
        check: (_r, b, fail) => { if (!hasError(b, `/${UNKNOWN_MEMBER}`)) fail(`errors ${show(b?.errors)} do not name /${UNKNOWN_MEMBER}`); } },
      { what: 'no citations', method: 'POST', target, headers: jsonWriter(),
        body: json({ ...freshIds(example.value, 'f5'), citations: [] }), status: 422, slug: 'invalid-record',
        check: (_r, b, fail) => { if (!hasError(b, '/citations')) fail(`errors ${show(b?.errors)} do not name /citations`); } },
      ...bodyRefusals('POST', target, jsonWriter(), json(freshIds(example.value, 'f5')), 'application/json'),
      ...commonRefusals('POST', target, json(freshIds(example.value, 'f5')), jsonWriter()),
    );
    for (const c of cases) await expectAnswer(op, c, failures);
    if (!nested) {
      const unwritten = await client().request('GET', `${op.path}/${freshIds(example.value, 'f5').id}`);
      if (unwritten.status !== 404) failures.push(`a refused record was written: GET answers ${unwritten.status}`);
    }
    return failures;
  }

  // A new record of the collection of an item path, made with the POST
  // example: its target and ETag.
  async function newRecord(itemPath, tag, failures) {
    const collection = itemPath.replace(/\/\{id\}$/, '');
    const post = operations.find((o) => o.key === `POST ${collection}`);
    const example = post && requestExamples(spec.doc, post)[0];
    if (!example) {
      failures.push(`no POST ${collection} example to make a record with`);
      return null;
    }
    const record = freshIds(example.value, tag);
    const res = await client().request('POST', collection, jsonWriter(), json(record));
    if (res.status !== 201) {
      failures.push(`POST ${collection} (to have a record to change): status ${res.status} ${show(res.body.toString('utf8'))}`);
      return null;
    }
    return { target: `${collection}/${record.id}`, etag: res.headers.etag };
  }

  async function flowPatch(op) {
    const failures = [];
    const made = await newRecord(op.path, 'f6', failures);
    if (!made) return failures;
    const example = requestExamples(spec.doc, op)[0];
    assert.ok(example, `${op.key} has no request body example`);
    const patch = json(example.value);
    const mt = { 'content-type': example.mediaType };
    let etag = made.etag;
    const changed = await expectAnswer(op, {
      what: 'the example patch', method: 'PATCH', target: made.target, headers: writer({ ...mt, 'if-match': etag }), body: patch,
      status: 200,
      check: (res, b, fail) => {
        if (b?.version !== 2) fail(`version ${show(b?.version)}, expected 2`);
        if (!(b?.updated_at >= b?.recorded_at)) fail(`updated_at ${show(b?.updated_at)} before recorded_at ${show(b?.recorded_at)}`);
        if (res.headers.etag === etag) fail('the ETag did not change');
      },
    }, failures);
    if (changed.res?.status === 200) {
      const read = await client().request('GET', made.target);
      if (!read.body.equals(changed.res.body) || read.headers.etag !== changed.res.headers.etag) {
        failures.push(`GET ${made.target} after the PATCH: another body or ETag than the PATCH answered`);
      }
      etag = changed.res.headers.etag;
    }
    const cites = example.value.citations;
    // Another change, sent as application/json.
    const again = json({ citations: [{ ...cites[0], quote_en: 'checked by the contract test' }] });
    const cases = [
      { what: 'the same patch again', method: 'PATCH', target: made.target,
        headers: writer({ ...mt, 'if-match': etag }), body: patch, status: 200,
        check: (res, b, fail) => {
          if (b?.version !== 2) fail(`version ${show(b?.version)}: a patch that changes nothing makes no version`);
          if (res.headers.etag !== etag) fail(`ETag ${res.headers.etag}, but nothing changed from ${etag}`);
        } },
      { what: 'another patch, as application/json', method: 'PATCH', target: made.target,
        headers: writer({ 'content-type': 'application/json', 'if-match': etag }), body: again, status: 200,
        check: (_r, b, fail) => { if (b?.version !== 3) fail(`version ${show(b?.version)}, expected 3`); } },
      { what: 'the stale ETag', method: 'PATCH', target: made.target, headers: writer({ ...mt, 'if-match': made.etag }),
        body: patch, status: 412, slug: 'precondition-failed' },
      { what: 'a weak ETag', method: 'PATCH', target: made.target, headers: writer({ ...mt, 'if-match': `W/${STALE_ETAG}` }),
        body: patch, status: 412, slug: 'precondition-failed' },
      { what: 'no If-Match', method: 'PATCH', target: made.target, headers: writer(mt), body: patch, status: 428,
        slug: 'precondition-required' },
      { what: 'an id no record has', method: 'PATCH', target: buildTarget(op.path, { id: MISSING_ID }),
        headers: writer({ ...mt, 'if-match': '*' }), body: patch, status: 404, slug: 'not-found' },
      { what: 'no citations', method: 'PATCH', target: made.target, headers: writer({ ...mt, 'if-match': '*' }),
        body: json({ note: null }), status: 422, slug: 'missing-provenance',
        check: (_r, b, fail) => { if (!hasError(b, '/citations')) fail(`errors ${show(b?.errors)} do not name /citations`); } },
      { what: 'an unknown member', method: 'PATCH', target: made.target, headers: writer({ ...mt, 'if-match': '*' }),
        body: json({ [UNKNOWN_MEMBER]: 1, citations: cites }), status: 422, slug: 'invalid-record',
        check: (_r, b, fail) => { if (!hasError(b, `/${UNKNOWN_MEMBER}`)) fail(`errors ${show(b?.errors)} do not name /${UNKNOWN_MEMBER}`); } },
      { what: 'the revision', method: 'PATCH', target: made.target, headers: writer({ ...mt, 'if-match': '*' }),
        body: json({ version: 9, citations: cites }), status: 422, slug: 'invalid-record',
        check: (_r, b, fail) => { if (!hasError(b, '/version')) fail(`errors ${show(b?.errors)} do not name /version`); } },
      ...bodyRefusals('PATCH', made.target, writer({ ...mt, 'if-match': '*' }), patch,
        'application/merge-patch+json, application/json'),
      ...commonRefusals('PATCH', made.target, patch, writer({ ...mt, 'if-match': '*' })),
    ];
    for (const c of cases) await expectAnswer(op, c, failures);
    const last = await client().request('GET', made.target);
    const version = last.status === 200 ? JSON.parse(utf8.decode(last.body)).version : null;
    if (version !== 3) failures.push(`GET ${made.target}: version ${show(version)} after two changes, expected 3`);
    return failures;
  }

  async function flowDelete(op) {
    const failures = [];
    const made = await newRecord(op.path, 'f7', failures);
    if (!made) return failures;
    const cases = [
      { what: 'no If-Match', method: 'DELETE', target: made.target, headers: writer(), status: 428, slug: 'precondition-required' },
      { what: 'a stale ETag', method: 'DELETE', target: made.target, headers: writer({ 'if-match': STALE_ETAG }), status: 412,
        slug: 'precondition-failed' },
      ...commonRefusals('DELETE', made.target, null, writer({ 'if-match': made.etag })).filter((c) => c.status !== 413),
      { what: 'a body too large', method: 'DELETE', target: made.target, headers: writer({ 'if-match': made.etag }),
        body: Buffer.alloc(WRITER_BODY_LIMIT + 1, 0x20), status: 413, slug: 'body-too-large' },
      { what: 'its ETag', method: 'DELETE', target: made.target, headers: writer({ 'if-match': made.etag }), status: 204 },
      { what: 'the deleted record', method: 'DELETE', target: made.target, headers: writer({ 'if-match': '*' }), status: 404,
        slug: 'not-found' },
    ];
    for (const c of cases) await expectAnswer(op, c, failures);
    const gone = await client().request('GET', made.target);
    if (gone.status !== 404) failures.push(`GET ${made.target} after the DELETE: status ${gone.status}`);
    if (responseFor(spec.doc, op, 409)) {
      const id = REFERENCED[op.path];
      if (!id) {
        failures.push(`${op.key} documents 409 but the test knows no record others refer to`);
      } else {
        const target = buildTarget(op.path, { id });
        const etag = await etagOf(target);
        await expectAnswer(op, {
          what: 'a record others refer to', method: 'DELETE', target, headers: writer({ 'if-match': etag ?? '*' }), status: 409,
          slug: 'still-referenced',
        }, failures);
        if (await etagOf(target) !== etag) failures.push(`GET ${target}: the refused DELETE changed it`);
      }
    }
    return failures;
  }

  // ---- the suite ----------------------------------------------------------

  describe('writes, against a daemon that takes them', () => {
    before(async () => {
      try {
        state.daemon = await startDaemon(h.BIN, h.SEED_DIR, h.SOURCE_DIR, { env: writerEnv(), args: WRITER_ARGS });
        state.client = createClient(state.daemon.port);
      } catch (err) {
        state.startError = err;
      }
    });

    after(() => {
      state.client?.close();
      state.daemon?.kill();
    });

    it('every write operation needs the bearer token, and no read does', () => {
      const failures = [];
      const scheme = spec.doc.components?.securitySchemes?.bearerAuth;
      if (scheme?.type !== 'http' || scheme?.scheme !== 'bearer') failures.push('components.securitySchemes.bearerAuth is not http bearer');
      for (const op of operations) {
        const security = op.op.security ?? spec.doc.security;
        const wants = writes.includes(op) ? [{ bearerAuth: [] }] : [];
        if (JSON.stringify(security) !== JSON.stringify(wants)) {
          failures.push(`${op.key}: security ${show(security)}, expected ${show(wants)}`);
        }
      }
      assert.ok(writes.length > 0, 'the document has no write operation');
      failIfAny(failures, 'operations state their security wrongly');
    });

    it('answers the write examples, replayed in order, as they say', async () => {
      const { list, problems } = sequenceExamples(spec.doc);
      assert.ok(list.length > 0, 'the document has no write examples (x-request)');
      const failures = [...problems];
      for (const op of writes) {
        if (!list.some((e) => e.path === op.path && e.opMethod === op.method.toLowerCase())) {
          failures.push(`${op.key} has no example in the write sequence`);
        }
      }
      for (const entry of list) {
        const fail = (m) => failures.push(`${entry.where} (${entry.summary}): ${m}`);
        const req = await buildRequest(spec.doc, entry, client());
        const res = await client().request(req.method, req.target, req.headers, req.body);
        if (String(res.status) !== entry.status) {
          fail(`status ${res.status}, but the example sits under ${entry.status}; body ${show(res.body.toString('utf8'))}`);
          continue;
        }
        if (!sameMediaType(res.headers['content-type'] ?? '', entry.mediaType)) {
          fail(`Content-Type ${show(res.headers['content-type'])}, but the example sits under ${entry.mediaType}`);
          continue;
        }
        const op = operations.find((o) => o.path === entry.path && o.method === entry.opMethod.toUpperCase());
        checkHeaders(responseFor(spec.doc, op, res.status), res, fail, (m) => failures.push(m));
        if (!isJsonMediaType(entry.mediaType)) continue;
        let body;
        try {
          body = JSON.parse(utf8.decode(res.body));
        } catch (err) {
          fail(`body is not UTF-8 JSON (${err.message})`);
          continue;
        }
        const v = validate(entry.schemaPointer, body);
        if (v.compileError) failures.push(v.compileError);
        else if (!v.ok) fail(`body does not match ${entry.schemaPointer}: ${v.errors}`);
        const got = normalise(body);
        for (const b of got.bad) fail(`the answer's ${b}`);
        for (const b of normalise(entry.value).bad) fail(`the example's ${b}`);
        const d = firstDifference(got.value, normalise(entry.value).value);
        if (d) fail(`body differs from the example at ${d} (run scripts/openapi-examples)`);
      }
      failIfAny(failures, 'write examples differ from the answers');
    });

    for (const op of writes) {
      it(`${op.key} answers each documented status as documented`, async () => {
        const failures = op.method === 'POST' ? await flowPost(op)
          : op.method === 'PATCH' ? await flowPatch(op) : await flowDelete(op);
        failIfAny(failures, 'answers break the contract');
      });
    }

    it('lists every write in the change feed, each entry as documented', async () => {
      const op = operations.find((o) => o.key === 'GET /v1/changes');
      assert.ok(op, 'GET /v1/changes is not documented');
      const failures = [];
      const entries = [];
      let since = 0;
      for (let page = 0; page < 100; page++) {
        const target = `/v1/changes?since=${since}&limit=500`;
        const { body } = await expectAnswer(op, { what: 'a page', method: 'GET', target, status: 200 }, failures);
        if (!body) break;
        entries.push(...body.items);
        if (body.items.length === 0 && body.next_since !== since) failures.push(`${target}: an empty page moved next_since`);
        if (!body.has_more) break;
        since = body.next_since;
      }
      assert.ok(entries.length > 0, 'the change feed is empty after the writes');
      entries.forEach((e, i) => {
        if (e.seq !== entries[0].seq + i) failures.push(`entry ${i} has seq ${e.seq}, the one before ${entries[i - 1]?.seq}`);
        if (e.actor !== CONTRACT_ACTOR) failures.push(`change ${e.seq}: actor ${show(e.actor)}, expected ${CONTRACT_ACTOR}`);
        if ((e.action === 'create') !== (e.old === null)) failures.push(`change ${e.seq}: ${e.action} with old ${show(e.old)}`);
        if ((e.action === 'delete') !== (e.new === null)) failures.push(`change ${e.seq}: ${e.action} with new ${show(e.new)}`);
        const rec = e.new ?? e.old;
        if (rec && (rec.id !== e.id || rec.version !== e.version)) {
          failures.push(`change ${e.seq}: id ${e.id} version ${e.version}, its record ${rec.id} version ${rec.version}`);
        }
      });
      for (const action of ['create', 'update', 'delete']) {
        if (!entries.some((e) => e.action === action)) failures.push(`no ${action} in the feed`);
      }
      failIfAny(failures, 'change feed answers break the contract');
    });

    it('allows on every path the methods documented for it, and no other', async () => {
      const failures = [];
      for (const [path, item] of Object.entries(spec.doc.paths)) {
        const documented = new Set(Object.keys(item).map((m) => m.toUpperCase()).filter((m) => ALLOW_ORDER.includes(m)));
        if (documented.has('GET')) documented.add('HEAD');
        documented.add('OPTIONS');
        const expected = ALLOW_ORDER.filter((m) => documented.has(m)).join(', ');
        const values = {};
        for (const m of path.matchAll(/\{([^}]+)\}/g)) {
          const p = operations.filter((o) => o.path === path).flatMap((o) => o.parameters).find((x) => x.in === 'path' && x.name === m[1]);
          values[m[1]] = p ? parameterExample(spec.doc, p) : MISSING_ID;
        }
        const target = buildTarget(path, values);
        const res = await client().request('OPTIONS', target);
        if (res.status !== 204 || res.headers.allow !== expected) {
          failures.push(`OPTIONS ${target}: status ${res.status}, Allow ${show(res.headers.allow)}; expected 204 with ${expected}`);
        }
        const refused = ALLOW_ORDER.find((m) => !documented.has(m));
        const other = await client().request(refused, target, writer());
        if (other.status !== 405 || other.headers.allow !== expected) {
          failures.push(`${refused} ${target}: status ${other.status}, Allow ${show(other.headers.allow)}; expected 405 with ${expected}`);
        }
      }
      failIfAny(failures, 'paths allow other methods than documented');
    });

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
