/*
 * Representations rendered once: ETags from a 64-bit FNV-1a hash of the
 * bytes (a strong validator: any change of the bytes changes it, with
 * overwhelming odds), and gzip copies made lazily so that a large dataset
 * does not pay to compress bodies nobody asks for compressed.
 */
#include "frontier/rendered.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

void fr_etag(const char *body, size_t len, bool gzip, char out[FR_ETAG_SIZE])
{
    uint64_t hash = 0xcbf29ce484222325ULL; /* FNV-1a, 64-bit */
    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char)body[i];
        hash *= 0x100000001b3ULL;
    }
    snprintf(out, FR_ETAG_SIZE, "\"%016llx%s\"", (unsigned long long)hash, gzip ? "-gzip" : "");
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
