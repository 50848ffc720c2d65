/*
 * Representations rendered once: ETags from a 64-bit hash of the bytes (a
 * strong validator: any change of the bytes changes it, with overwhelming
 * odds), and gzip copies made lazily so that a large dataset
 * does not pay to compress bodies nobody asks for compressed.
 */
#include "frontier/rendered.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* Eight bytes a step, each multiplied in and folded (as in FxHash and
 * wyhash's mixing): about eight times the speed of byte-wise FNV-1a on the
 * bodies rendered per request, with a well-spread 64-bit result. ETags need
 * no defence against crafted collisions: the server makes the bodies. */
static uint64_t body_hash(const char *body, size_t len)
{
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    uint64_t h = 0xcbf29ce484222325ULL ^ (len * k);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, body + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    memcpy(&tail, body + i, len - i);
    h = (h ^ tail) * k;
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdULL; /* a final avalanche (MurmurHash3's fmix64) */
    h ^= h >> 33;
    return h;
}

static void hex16(uint64_t v, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = digits[v & 15];
        v >>= 4;
    }
}

void fr_etag(const char *body, size_t len, bool gzip, char out[FR_ETAG_SIZE])
{
    /* Written by hand: snprintf was a visible share of a request's time. */
    size_t n = 0;
    out[n++] = '"';
    hex16(body_hash(body, len), out + n);
    n += 16;
    if (gzip) {
        memcpy(out + n, "-gzip", 5);
        n += 5;
    }
    out[n++] = '"';
    out[n] = '\0';
}

enum fr_status fr_gzip(const char *in, size_t len, char **out, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    *out = NULL;
    /* windowBits 15 + 16: a gzip header and trailer, as Content-Encoding: gzip wants. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return FR_ENOMEM;
    uLong bound = deflateBound(&z, (uLong)len);
    char *buf = malloc(bound);
    if (!buf) {
        deflateEnd(&z);
        return FR_ENOMEM;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t produced = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return FR_EIO;
    }
    *out = buf;
    *out_len = produced;
    return FR_OK;
}

void fr_rendered_init(struct fr_rendered *r, const char *body, size_t len)
{
    r->body = body;
    r->len = len;
    fr_etag(body, len, false, r->etag);
    atomic_init(&r->gzipped, NULL);
}

void fr_rendered_cleanup(struct fr_rendered *r)
{
    struct fr_gzipped *g = atomic_exchange(&r->gzipped, NULL);
    if (g) {
        free(g->body);
        free(g);
    }
}

const struct fr_gzipped *fr_rendered_gzip(struct fr_rendered *r)
{
    struct fr_gzipped *g = atomic_load_explicit(&r->gzipped, memory_order_acquire);
    if (g || r->len < FR_GZIP_MIN_SIZE)
        return g;
    g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    if (fr_gzip(r->body, r->len, &g->body, &g->len) != FR_OK) {
        free(g);
        return NULL;
    }
    fr_etag(r->body, r->len, true, g->etag);
    /* Two requests may race to compress the same body: one copy wins, the
     * other is freed, and both answer with the winner. */
    struct fr_gzipped *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&r->gzipped, &expected, g,
                                                 memory_order_acq_rel, memory_order_acquire)) {
        free(g->body);
        free(g);
        g = expected;
    }
    return g;
}
