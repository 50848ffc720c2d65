/*
 * Content negotiation and conditional requests (RFC 9110 sections 12, 13):
 * q-values of Accept and Accept-Encoding, and If-None-Match lists.
 */
#ifndef FRONTIER_NEGOTIATE_H
#define FRONTIER_NEGOTIATE_H

#include <stdbool.h>

/* The q-value, in thousandths (0 to 1000), that header gives value: the most
 * specific matching entry decides (for media types an exact type, then the
 * type's wildcard subtype, then the full wildcard; a coding over "*"). -1 when no entry matches; a
 * malformed q-value counts as 0. header and value are borrowed. */
int fr_accept_quality(const char *header, const char *value, bool media_type);

/* Whether Accept-Encoding (NULL when absent) lets us send gzip. */
bool fr_accepts_gzip(const char *accept_encoding);

/* Weak comparison of an If-None-Match field (NULL when absent) with our
 * strong etag (quoted): "*" or any listed tag, W/ or not, that is equal. */
bool fr_etag_matches(const char *if_none_match, const char *etag);

/* Strong comparison of an If-Match field (NULL when absent) with our strong
 * etag: "*" or a listed tag, not W/, that is equal. */
bool fr_etag_matches_strong(const char *if_match, const char *etag);

#endif
