/*
 * Response helpers: bodies borrowed from the snapshot or owned by the
 * response, JSON rendering, extra headers (Location among them) and RFC 9457
 * problem details. Every error answer of the API goes through
 * fr_response_problem(), so they all share one shape and one content type.
 */
#include "frontier/http.h"

#include <stdlib.h>
#include <string.h>

#include "frontier/buf.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/*
 * The answer when a response cannot be rendered, most likely because memory
 * ran out. It is a constant so that sending it needs no allocation at all;
 * that is the only reason it is written out by hand instead of with jansson.
 */
static const char internal_error_body[] =
    "{\"type\":\"/problems/internal-error\",\"title\":\"Internal Server Error\","
    "\"status\":500,\"detail\":\"the response could not be rendered\"}";

static const char replacement_char[] = "\xEF\xBF\xBD"; /* U+FFFD in UTF-8 */

/* Frees an owned body; the response then has no body. */
static void release_body(struct fr_response *resp)
{
    free(resp->body_owned);
    resp->body_owned = NULL;
    resp->body = "";
    resp->body_len = 0;
    resp->rendered = NULL; /* a new body is a new representation */
}

static void set_internal_error(struct fr_response *resp)
{
    release_body(resp);
    resp->status = 500;
    resp->content_type = FR_CONTENT_PROBLEM;
    resp->body = internal_error_body;
    resp->body_len = sizeof internal_error_body - 1;
}

/* A handler that never sets its response is a bug; it answers 500. */
/* Field by field: the header table is large (its values are inline) and
 * only header_count says what is in it, so it is not cleared per request. */
void fr_response_init(struct fr_response *resp)
{
    resp->status = 0;
    resp->content_type = NULL;
    resp->body = "";
    resp->body_len = 0;
    resp->body_owned = NULL;
    resp->header_count = 0;
    resp->rendered = NULL;
    resp->vary = 0;
    resp->media_types = NULL;
    resp->format_chosen = false;
    set_internal_error(resp);
}

/* Frees what the response owns and leaves it as fr_response_init() does. */
void fr_response_cleanup(struct fr_response *resp)
{
    release_body(resp);
    fr_response_init(resp);
}

void fr_response_borrow(struct fr_response *resp, int status, const char *content_type,
                        const char *body, size_t len)
{
    release_body(resp);
    resp->status = status;
    resp->content_type = content_type;
    if (body != NULL) {
        resp->body = body;
        resp->body_len = len;
    }
}

void fr_response_serve(struct fr_response *resp, const char *content_type,
                       struct fr_rendered *rendered)
{
    fr_response_borrow(resp, 200, content_type, rendered->body, rendered->len);
    resp->rendered = rendered;
}

/*
 * A NULL body (a failed fr_buf_steal(), say) answers the 500 problem, so a
 * caller may pass the result of an allocation straight through.
 */
void fr_response_take(struct fr_response *resp, int status, const char *content_type,
                      char *body, size_t len)
{
    release_body(resp);
    if (body == NULL) {
        set_internal_error(resp);
        return;
    }
    resp->status = status;
    resp->content_type = content_type;
    resp->body_owned = body;
    resp->body = body;
    resp->body_len = len;
}

static void render(struct fr_response *resp, int status, const char *content_type,
                   const json_t *json)
{
    char *text = NULL;

    if (json != NULL)
        text = json_dumps(json, JSON_FLAGS);
    if (text == NULL) {
        set_internal_error(resp);
        return;
    }
    fr_response_take(resp, status, content_type, text, strlen(text));
}

void fr_response_json(struct fr_response *resp, int status, const json_t *json)
{
    render(resp, status, FR_CONTENT_JSON, json);
}

/*
 * Values are copied; names are static. CR and LF are refused because a value
 * holding them would let whoever chose it add headers of their own.
 */
static enum fr_status copy_value(struct fr_header *header, const char *value)
{
    size_t len = strlen(value);

    if (len >= sizeof header->value || strpbrk(value, "\r\n") != NULL)
        return FR_EINVAL;
    memcpy(header->value, value, len + 1);
    return FR_OK;
}

enum fr_status fr_response_add_header(struct fr_response *resp, const char *name,
                                      const char *value)
{
    struct fr_header *header;

    if (name == NULL || value == NULL || resp->header_count >= FR_MAX_EXTRA_HEADERS)
        return FR_EINVAL;
    header = &resp->headers[resp->header_count];
    if (copy_value(header, value) != FR_OK)
        return FR_EINVAL;
    header->name = name;
    resp->header_count++;
    return FR_OK;
}

/* RFC 3986 section 2.3: the bytes a URI never needs to encode (c is never
 * NUL here, which strchr would find). */
static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-._~", c) != NULL;
}

/* Appends text percent-encoded, '/' kept when it separates segments. */
static enum fr_status append_uri_text(struct fr_buf *out, const char *text, bool segments)
{
    static const char hex[] = "0123456789ABCDEF";
    enum fr_status status = FR_OK;

    for (const unsigned char *p = (const unsigned char *)text; *p != '\0' && status == FR_OK;
         p++) {
        if (is_unreserved(*p) || (segments && *p == '/'))
            status = fr_buf_append_char(out, (char)*p);
        else
            status = fr_buf_appendf(out, "%%%c%c", hex[*p >> 4], hex[*p & 0x0F]);
    }
    return status;
}

/* Replaces the value of the first header called name (static), or adds one. */
static enum fr_status set_header(struct fr_response *resp, const char *name, const char *value)
{
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcmp(resp->headers[i].name, name) == 0)
            return copy_value(&resp->headers[i], value);
    }
    return fr_response_add_header(resp, name, value);
}

enum fr_status fr_response_set_location(struct fr_response *resp, const char *path,
                                        const char *id)
{
    struct fr_buf location;
    enum fr_status status;

    fr_buf_init(&location);
    status = append_uri_text(&location, path, true);
    if (status == FR_OK && id != NULL)
        status = fr_buf_append_char(&location, '/');
    if (status == FR_OK && id != NULL)
        status = append_uri_text(&location, id, false);
    if (status == FR_OK)
        status = set_header(resp, "Location", location.data != NULL ? location.data : "");
    fr_buf_cleanup(&location);
    return status;
}

/* ---- text from the network ----------------------------------------- */

/* The length of the well-formed UTF-8 sequence at s (1 to 4), or 0. Reads
 * stop at the first byte that does not fit, so the NUL is never passed. */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if (s[0] == 0xE0)
            lo = 0xA0; /* overlong */
        if (s[0] == 0xED)
            hi = 0x9F; /* surrogates */
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if (s[0] == 0xF0)
            lo = 0x90; /* overlong */
        if (s[0] == 0xF4)
            hi = 0x8F; /* beyond U+10FFFF */
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

/*
 * Paths and query values are percent-decoded bytes and need not be UTF-8,
 * which jansson refuses. Rather than fail the whole response, each
 * ill-formed byte becomes U+FFFD, as browsers do.
 */
json_t *fr_json_string_lossy(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    struct fr_buf clean;
    json_t *result = NULL;
    enum fr_status status = FR_OK;

    if (text == NULL)
        return json_null();
    result = json_string(text);
    if (result != NULL)
        return result;

    fr_buf_init(&clean);
    while (*s != '\0' && status == FR_OK) {
        size_t n = utf8_sequence(s);
        if (n == 0) {
            status = fr_buf_append_str(&clean, replacement_char);
            s++;
        } else {
            status = fr_buf_append(&clean, s, n);
            s += n;
        }
    }
    if (status == FR_OK)
        result = json_stringn(clean.data != NULL ? clean.data : "", clean.len);
    fr_buf_cleanup(&clean);
    return result;
}

/* ---- problem details ------------------------------------------------ */

/* Keeps the members added before a failure; *ok turns false on the first one. */
static void set_member(json_t *object, const char *key, json_t *value, bool *ok)
{
    if (json_object_set_new(object, key, value) != 0)
        *ok = false;
}

void fr_response_problem(struct fr_response *resp, const struct fr_request *req,
                         int status, const char *slug, const char *title,
                         const char *detail, json_t *extensions)
{
    json_t *body = json_object();
    bool ok = body != NULL;

    set_member(body, "type", json_sprintf("/problems/%s", slug), &ok);
    set_member(body, "title", json_string(title != NULL ? title : "Error"), &ok);
    set_member(body, "status", json_integer(status), &ok);
    if (detail != NULL)
        set_member(body, "detail", fr_json_string_lossy(detail), &ok);
    if (req != NULL && req->path != NULL)
        set_member(body, "instance", fr_json_string_lossy(req->path), &ok);
    /* Extensions never replace the standard members, whatever they hold. */
    if (ok && json_is_object(extensions) && json_object_update_missing(body, extensions) != 0)
        ok = false;

    if (ok)
        render(resp, status, FR_CONTENT_PROBLEM, body);
    else
        set_internal_error(resp);
    json_decref(extensions);
    json_decref(body);
}

void fr_response_bad_param(struct fr_response *resp, const struct fr_request *req,
                           const char *name, const char *value, const char *reason,
                           const char *allowed)
{
    struct fr_buf detail;
    json_t *extensions = NULL;
    enum fr_status status;

    fr_buf_init(&detail);
    if (value != NULL)
        status = fr_buf_appendf(&detail, "invalid value '%s' for parameter '%s'", value, name);
    else
        status = fr_buf_appendf(&detail, "parameter '%s' needs a value", name);
    if (status == FR_OK && reason != NULL)
        status = fr_buf_appendf(&detail, ": %s", reason);
    if (status == FR_OK && allowed != NULL)
        status = fr_buf_appendf(&detail, "; allowed: %s", allowed);

    extensions = json_object();
    if (status == FR_OK && extensions != NULL) {
        bool ok = true;
        set_member(extensions, "parameter", fr_json_string_lossy(name), &ok);
        set_member(extensions, "value", fr_json_string_lossy(value), &ok);
        set_member(extensions, "allowed", fr_json_string_lossy(allowed), &ok);
        if (!ok)
            status = FR_ENOMEM;
    }

    if (status == FR_OK && extensions != NULL) {
        fr_response_problem(resp, req, 400, "invalid-parameter", "Invalid Parameter",
                            detail.data, extensions);
        extensions = NULL; /* stolen */
    } else {
        set_internal_error(resp);
    }
    json_decref(extensions);
    fr_buf_cleanup(&detail);
}
