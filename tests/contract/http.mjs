// A small HTTP/1.1 client for the contract test: raw status, headers and
// body bytes (node:http, so nothing is decoded or normalised behind the
// test's back), a count of the requests made, and media type comparison.
import http from 'node:http';

const REQUEST_TIMEOUT_MS = 15000;
const CHUNK = 4096;

export function createClient(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  let count = 0;

  // Resolves {status, headers (lower-case names), body (Buffer)}. The
  // request says "Accept: */*" unless headers (lower-case names) say
  // otherwise; it asks for no compression unless they do. A body (a Buffer
  // or string) goes with its Content-Length, or with chunked set in pieces
  // of CHUNK bytes under Transfer-Encoding: chunked.
  function request(method, target, headers = {}, body = null, { chunked = false } = {}) {
    count++;
    const data = body === null ? null : Buffer.from(body);
    const sent = { accept: '*/*', ...headers };
    if (data !== null && !chunked) sent['content-length'] = String(data.length);
    if (data !== null && chunked) sent['transfer-encoding'] = 'chunked';
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path: target, agent, headers: sent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => {
        req.destroy(new Error(`${method} ${target}: no answer within ${REQUEST_TIMEOUT_MS} ms`));
      });
      req.on('error', reject);
      if (data !== null && chunked) {
        for (let i = 0; i < data.length; i += CHUNK) req.write(data.subarray(i, i + CHUNK));
        req.end();
      } else {
        req.end(data ?? undefined);
      }
    });
  }

  return {
    request,
    get count() { return count; },
    close() { agent.destroy(); },
  };
}

// "Application/JSON; Charset=\"UTF-8\"" -> {type: "application/json",
// params: {charset: "utf-8"}}; parameter names and the charset value are
// case-insensitive (RFC 9110 section 8.3.1), other values are kept as sent.
export function parseMediaType(text) {
  if (typeof text !== 'string') return null;
  const [head, ...rest] = text.split(';');
  const type = head.trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(type)) return null;
  const params = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    params[name] = name === 'charset' ? value.toLowerCase() : value;
  }
  return { type, params };
}

// Same type and subtype and the same parameters (so a charset on one side
// only is a difference).
export function sameMediaType(a, b) {
  const x = parseMediaType(a);
  const y = parseMediaType(b);
  if (!x || !y || x.type !== y.type) return false;
  const keys = new Set([...Object.keys(x.params), ...Object.keys(y.params)]);
  for (const k of keys) {
    if (x.params[k] !== y.params[k]) return false;
  }
  return true;
}

export function isJsonMediaType(text) {
  const m = parseMediaType(text);
  return !!m && (m.type === 'application/json' || m.type.endsWith('+json'));
}

export function isTextMediaType(text) {
  const m = parseMediaType(text);
  return !!m && (m.type.startsWith('text/') || /^application\/(yaml|x-yaml|javascript|xml)$/.test(m.type)
    || m.type.endsWith('+xml') || m.type.endsWith('+yaml'));
}

// Percent-encodes what may not appear raw in a request target (controls,
// space, non-ASCII), leaving existing escapes alone.
export function safeTarget(target) {
  return target.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}
