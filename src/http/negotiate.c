/*
 * Reading the request headers that choose a representation (RFC 9110 section
 * 12): Accept and Accept-Encoding with their q-values, and If-None-Match
 * with its list of entity tags.
 */
#include "frontier/negotiate.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* "q=0.5" (after the ';' of a parameter) as thousandths; -1 if malformed. */
static int parse_qvalue(const char *s, const char *end)
{
    while (s < end && is_space(*s))
        s++;
    if (end - s < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
        return -2; /* not a q parameter */
    s += 2;
    int value = 0, digits = 0;
    if (*s == '0' || *s == '1') {
        value = (*s - '0') * 1000;
        s++;
    } else {
        return -1;
    }
    if (s < end && *s == '.') {
        s++;
        int scale = 100;
        while (s < end && *s >= '0' && *s <= '9' && digits < 3) {
            value += (*s - '0') * scale;
            scale /= 10;
            digits++;
            s++;
        }
    }
    while (s < end && is_space(*s))
        s++;
    if (s != end || value > 1000)
        return -1;
    return value;
}

/* How specifically entry (a media range or a coding) matches value: 3 for an
 * exact match, 2 for a wildcard subtype, 1 for a full wildcard, 0 for none. */
static int specificity(const char *entry, size_t len, const char *value, bool media_type)
{
    if (len == strlen(value) && strncasecmp(entry, value, len) == 0)
        return 3;
    if (!media_type)
        return len == 1 && entry[0] == '*' ? 1 : 0;
    if (len == 3 && strncmp(entry, "*/*", 3) == 0)
        return 1;
    const char *slash = strchr(value, '/');
    if (slash && len >= 2 && entry[len - 2] == '/' && entry[len - 1] == '*' &&
        (size_t)(slash - value) == len - 2 && strncasecmp(entry, value, len - 2) == 0)
        return 2;
    return 0;
}

int fr_accept_quality(const char *header, const char *value, bool media_type)
{
    int best_specificity = 0, best_q = -1;
    const char *p = header;
    while (p && *p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *entry = p;
        while (entry < end && is_space(*entry))
            entry++;
        const char *entry_end = entry;
        while (entry_end < end && *entry_end != ';' && !is_space(*entry_end))
            entry_end++;
        int q = 1000;
        for (const char *param = memchr(entry_end, ';', (size_t)(end - entry_end)); param;) {
            const char *next = memchr(param + 1, ';', (size_t)(end - param - 1));
            int parsed = parse_qvalue(param + 1, next ? next : end);
            if (parsed >= -1) {
                q = parsed;
                break; /* parameters after q are accept-ext: not ours */
            }
            param = next;
        }
        int spec = specificity(entry, (size_t)(entry_end - entry), value, media_type);
        if (spec > best_specificity && q >= 0) {
            best_specificity = spec;
            best_q = q;
        } else if (spec > best_specificity) {
            best_specificity = spec;
            best_q = 0; /* a malformed q counts as a refusal */
        }
        p = *end ? end + 1 : NULL;
    }
    return best_q;
}

bool fr_accepts_gzip(const char *accept_encoding)
{
    if (!accept_encoding)
        return false;
    int q = fr_accept_quality(accept_encoding, "gzip", false);
    int legacy = fr_accept_quality(accept_encoding, "x-gzip", false);
    return q > 0 || (q < 0 && legacy > 0);
}

/* Walks an entity-tag list ("*", or tags separated by commas); strong
 * refuses W/ tags (RFC 9110 section 8.8.3.2: If-Match compares strongly). */
static bool etag_list_matches(const char *list, const char *etag, bool strong)
{
    if (!list)
        return false;
    const char *p = list;
    while (is_space(*p))
        p++;
    if (*p == '*') {
        const char *rest = p + 1;
        while (is_space(*rest))
            rest++;
        return *rest == '\0';
    }
    size_t etag_len = strlen(etag);
    while (*p) {
        while (is_space(*p) || *p == ',')
            p++;
        if (!*p)
            break;
        bool weak = p[0] == 'W' && p[1] == '/';
        if (weak)
            p += 2;
        if (*p != '"')
            return false; /* not an entity-tag list: match nothing */
        const char *close = strchr(p + 1, '"');
        if (!close)
            return false;
        size_t len = (size_t)(close - p) + 1;
        if (!(weak && strong) && len == etag_len && memcmp(p, etag, len) == 0)
            return true;
        p = close + 1;
    }
    return false;
}

bool fr_etag_matches(const char *if_none_match, const char *etag)
{
    /* Weak comparison: W/"x" matches "x". */
    return etag_list_matches(if_none_match, etag, false);
}

bool fr_etag_matches_strong(const char *if_match, const char *etag)
{
    return etag_list_matches(if_match, etag, true);
}
