/*
 * Link header targets (RFC 8288) made from the request itself: a list's
 * rel="next" is the same path and query with another cursor, so a client
 * that follows it keeps its filters, limit and format without knowing them.
 * The request's path and query arrive percent-decoded; they are encoded
 * again here, byte by byte, so the target is a valid URI reference whatever
 * the client sent and means what the client meant.
 */
#include "frontier/http.h"

#include <string.h>

#include "frontier/buf.h"

/* RFC 3986 section 2.3: these never need encoding. */
static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

/* Appends text with every byte but the unreserved ones (and '/' when
 * keep_slash) as %XX, upper-case hex as RFC 3986 section 2.1 prefers. */
static enum fr_status append_encoded(struct fr_buf *out, const char *text, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    enum fr_status status = FR_OK;
    for (const unsigned char *p = (const unsigned char *)text; *p && status == FR_OK; p++) {
        if (is_unreserved(*p) || (keep_slash && *p == '/')) {
            status = fr_buf_append_char(out, (char)*p);
        } else {
            char escaped[3] = {'%', hex[*p >> 4], hex[*p & 0x0F]};
            status = fr_buf_append(out, escaped, sizeof(escaped));
        }
    }
    return status;
}

/* One "name=value" (or "name" for a value-less parameter), after a '?' or '&'. */
static enum fr_status append_param(struct fr_buf *out, bool first, const char *name,
                                   const char *value)
{
    enum fr_status status = fr_buf_append_char(out, first ? '?' : '&');
    if (status == FR_OK)
        status = append_encoded(out, name, false);
    if (status == FR_OK && value) {
        status = fr_buf_append_char(out, '=');
        if (status == FR_OK)
            status = append_encoded(out, value, false);
    }
    return status;
}

enum fr_status fr_link_append(const struct fr_request *req, const char *name, const char *value,
                              const char *rel, struct fr_buf *out)
{
    bool replaced = false;
    size_t written = 0;
    enum fr_status status = fr_buf_append_char(out, '<');
    if (status == FR_OK)
        status = append_encoded(out, req->path ? req->path : "/", true);
    for (size_t i = 0; i < req->query_count && status == FR_OK; i++) {
        bool ours = strcmp(req->query[i].name, name) == 0;
        /* A repeated name keeps one place: the first, with the new value. */
        if (ours && replaced)
            continue;
        status = append_param(out, written++ == 0, req->query[i].name,
                              ours ? value : req->query[i].value);
        replaced = replaced || ours;
    }
    if (status == FR_OK && !replaced)
        status = append_param(out, written == 0, name, value);
    if (status == FR_OK)
        status = fr_buf_appendf(out, ">; rel=\"%s\"", rel);
    return status;
}
