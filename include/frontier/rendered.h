/*
 * A representation rendered once and served many times: the body, its strong
 * ETag, and a gzip copy made on first demand and kept. Pre-rendered responses
 * (items, first pages, leaderboards, the contract) carry one, so a request
 * for them costs a lookup: no hashing and no compression per request.
 */
#ifndef FRONTIER_RENDERED_H
#define FRONTIER_RENDERED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "frontier/status.h"

/* Bodies shorter than this are sent as they are: compressing them saves
 * less than the encoding costs, and they fit one packet anyway. */
#define FR_GZIP_MIN_SIZE 1024

/* "\"" + 16 hex digits + "-gzip" + "\"" + NUL */
#define FR_ETAG_SIZE 32

struct fr_gzipped {
    char *body; /* owned */
    size_t len;
    char etag[FR_ETAG_SIZE];
};

struct fr_rendered {
    const char *body; /* borrowed: the renderer's own storage */
    size_t len;
    char etag[FR_ETAG_SIZE];
    _Atomic(struct fr_gzipped *) gzipped; /* NULL until first asked for */
};

/* Computes the ETag of body (borrowed; it must outlive r). */
void fr_rendered_init(struct fr_rendered *r, const char *body, size_t len);
/* Frees the gzip copy, if one was made. */
void fr_rendered_cleanup(struct fr_rendered *r);

/* The gzip copy, made on the first call (thread-safe: racing callers agree
 * on one copy). NULL when the body is below FR_GZIP_MIN_SIZE or compression
 * failed. Borrowed from r. */
const struct fr_gzipped *fr_rendered_gzip(struct fr_rendered *r);

/* The strong ETag of a body, quoted; gzip selects the gzip variant's tag
 * (another representation, so another tag, RFC 9110 section 8.8.3). */
void fr_etag(const char *body, size_t len, bool gzip, char out[FR_ETAG_SIZE]);

/* Compresses in with gzip framing. *out is allocated (caller frees). */
enum fr_status fr_gzip(const char *in, size_t len, char **out, size_t *out_len);

#endif
