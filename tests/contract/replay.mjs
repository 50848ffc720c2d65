// The write examples of openapi/frontierd.yaml, replayed: shared by the
// contract test, which holds a fresh daemon to them, and by
// scripts/openapi-examples, which writes the daemon's answers into them.
//
// An example that carries `x-request` belongs to the write sequence: its
// summary is "<METHOD> <target>", and the examples are replayed in the order
// of the document (paths, then operations, responses, media types and
// examples as written) on one daemon that started from the seed with the
// writer below, so each sees what the ones before it wrote. `x-request` says
// what the request has beyond the defaults (all members optional):
//   headers   header name -> value, or null to leave out a default one
//   example   the request body example of the operation to send (by
//             default the one with this example's own name)
//   body      a JSON value to send instead (serialised compactly), for
//             bodies the request schema refuses
//   text      the exact text to send instead (JSON that does not parse)
// The defaults: `Authorization: Bearer <CONTRACT_TOKEN>` on every write;
// `Content-Type` the media type the request example sits under (else the
// first the request body documents); and on PATCH and DELETE `If-Match`
// the target's current ETag (`*` when a GET of it is not a 200).
//
// The answers hold times (`recorded_at`, `updated_at`, a change's `at`) and
// entity tags (in a 412's detail) that differ on every run: comparisons see
// them as fixed markers, after checking their form.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import { targetMatchesTemplate } from './spec.mjs';

// The writer the sequence runs as. The token is no secret: it exists only in
// the daemons the contract test and scripts/openapi-examples start.
export const CONTRACT_TOKEN = 'contract-token-5f0c2a7d9e4b1c86';
export const CONTRACT_ACTOR = 'contract';

const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;
const TIME_MEMBERS = new Set(['recorded_at', 'updated_at', 'at']);
const ETAG_IN_TEXT = /"[0-9a-f]{16}(-gzip)?"/g;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// The body limit of the sequence's daemon: small, so that a body over it is
// cheap to send, and large enough for every example.
export const WRITER_BODY_LIMIT = 16384;
export const WRITER_ARGS = ['--max-body-bytes', String(WRITER_BODY_LIMIT)];

// FRONTIERD_TOKENS for a daemon that accepts CONTRACT_TOKEN.
export function contractTokens() {
  const digest = createHash('sha256').update(CONTRACT_TOKEN, 'utf8').digest('hex');
  return `${CONTRACT_ACTOR}:${digest}`;
}

// The environment of a daemon that takes the sequence's writes (with
// WRITER_ARGS on its command line).
export function writerEnv() {
  return { FRONTIERD_TOKENS: contractTokens() };
}

// The write sequence: [{method, target, path (template), opMethod, status,
// mediaType, name, summary, request (x-request), value, schemaPointer,
// where}] in document order. Malformed entries are reported in problems.
export function sequenceExamples(doc) {
  const list = [];
  const problems = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const opMethod of Object.keys(item).filter((k) => METHODS.includes(k))) {
      const op = item[opMethod];
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        for (const [mediaType, media] of Object.entries(response?.content ?? {})) {
          for (const [name, ex] of Object.entries(media.examples ?? {})) {
            if (!ex || typeof ex !== 'object' || !Object.hasOwn(ex, 'x-request')) continue;
            const where = `${opMethod.toUpperCase()} ${path} ${status} ${mediaType} '${name}'`;
            const m = /^([A-Z]+) (\/\S*)$/.exec(ex.summary ?? '');
            if (!m) {
              problems.push(`${where}: summary ${JSON.stringify(ex.summary)} is not "<METHOD> <target>"`);
              continue;
            }
            if (m[1] !== opMethod.toUpperCase() || !targetMatchesTemplate(m[2], path)) {
              problems.push(`${where}: ${ex.summary} is not a request to ${opMethod.toUpperCase()} ${path}`);
              continue;
            }
            const request = ex['x-request'] ?? {};
            if (typeof request !== 'object' || Array.isArray(request)) {
              problems.push(`${where}: x-request is not an object`);
              continue;
            }
            list.push({
              method: m[1],
              target: m[2],
              path,
              opMethod,
              status,
              mediaType,
              name,
              summary: ex.summary,
              request,
              value: ex.value,
              schemaPointer: media.schema !== undefined
                ? `/paths/${escape(path)}/${opMethod}/responses/${escape(status)}/content/${escape(mediaType)}/schema`
                : null,
              where,
            });
          }
        }
      }
    }
  }
  return { list, problems };
}

function escape(token) {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

// The request body example `name` of an operation: {mediaType, value}, or
// null.
function requestExample(op, name) {
  for (const [mediaType, media] of Object.entries(op.requestBody?.content ?? {})) {
    const ex = media.examples?.[name];
    if (ex && Object.hasOwn(ex, 'value')) return { mediaType, value: ex.value };
  }
  return null;
}

// The request an entry stands for: {method, target, headers (lower-case
// names), body (Buffer or null)}. client.request(method, target, headers,
// body) is used to read the current ETag for If-Match.
export async function buildRequest(doc, entry, client) {
  const op = doc.paths[entry.path][entry.opMethod];
  const x = entry.request;
  const headers = {};
  let body = null;
  if (entry.method !== 'GET' && entry.method !== 'HEAD') {
    headers.authorization = `Bearer ${CONTRACT_TOKEN}`;
  }
  if (op.requestBody) {
    const firstType = Object.keys(op.requestBody.content ?? {})[0];
    if (typeof x.text === 'string') {
      body = Buffer.from(x.text, 'utf8');
      headers['content-type'] = firstType;
    } else if (Object.hasOwn(x, 'body')) {
      body = Buffer.from(JSON.stringify(x.body), 'utf8');
      headers['content-type'] = firstType;
    } else {
      const wanted = x.example ?? entry.name;
      const found = requestExample(op, wanted);
      if (!found) throw new Error(`${entry.where}: the operation has no request example '${wanted}'`);
      body = Buffer.from(JSON.stringify(found.value), 'utf8');
      headers['content-type'] = found.mediaType;
    }
  }
  if (entry.method === 'PATCH' || entry.method === 'DELETE') {
    const current = await client.request('GET', entry.target);
    headers['if-match'] = current.status === 200 && current.headers.etag ? current.headers.etag : '*';
  }
  for (const [name, value] of Object.entries(x.headers ?? {})) {
    if (value === null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = String(value);
  }
  return { method: entry.method, target: entry.target, headers, body };
}

// A copy of value in which times and entity tags read as fixed markers, and
// the list of those that are not of the form they must have.
export function normalise(value, at = '', bad = []) {
  if (typeof value === 'string') {
    return { value: value.replace(ETAG_IN_TEXT, '"<etag>"'), bad };
  }
  if (Array.isArray(value)) {
    return { value: value.map((v, i) => normalise(v, `${at}/${i}`, bad).value), bad };
  }
  if (value === null || typeof value !== 'object') return { value, bad };
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const here = `${at}/${escape(k)}`;
    if (TIME_MEMBERS.has(k) && typeof v === 'string') {
      if (!TIMESTAMP.test(v)) bad.push(`${here}: ${JSON.stringify(v)} is not a UTC time with milliseconds`);
      out[k] = '<time>';
    } else {
      out[k] = normalise(v, here, bad).value;
    }
  }
  return { value: out, bad };
}

// Whether two answers are the same but for times and entity tags.
export function sameAnswer(actual, expected) {
  return isDeepStrictEqual(normalise(actual).value, normalise(expected).value);
}
