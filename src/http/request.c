/*
 * Query parameters of a request. Every operation states the parameters it
 * accepts and rejects anything else, so a misspelt filter ("?modle=x") is a
 * 400 that names the mistake instead of a silently unfiltered answer.
 */
#include "frontier/http.h"

#include <string.h>
#include <strings.h>

#include "frontier/buf.h"

const char *fr_request_query(const struct fr_request *req, const char *name, bool *found)
{
    const char *value = NULL;
    bool present = false;

    for (size_t i = 0; i < req->query_count; i++) {
        if (strcmp(req->query[i].name, name) == 0) {
            present = true;
            value = req->query[i].value;
            break;
        }
    }
    if (found != NULL)
        *found = present;
    return value;
}

static bool is_accepted(const char *const *accepted, const char *name)
{
    for (size_t i = 0; accepted[i] != NULL; i++) {
        if (strcmp(accepted[i], name) == 0)
            return true;
    }
    return false;
}

/* "limit, cursor, model", or a sentence saying there are none. */
static enum fr_status append_accepted(struct fr_buf *text, const char *const *accepted)
{
    enum fr_status status = FR_OK;

    if (accepted[0] == NULL)
        return fr_buf_append_str(text, "this endpoint accepts no query parameters");
    status = fr_buf_append_str(text, "this endpoint accepts: ");
    for (size_t i = 0; accepted[i] != NULL && status == FR_OK; i++) {
        if (i > 0)
            status = fr_buf_append_str(text, ", ");
        if (status == FR_OK)
            status = fr_buf_append_str(text, accepted[i]);
    }
    return status;
}

/*
 * Answers the 400 for one rejected query. name is the offending parameter
 * (NULL when there are simply too many), detail_start the sentence before the
 * list of accepted parameters.
 */
static void reject(const struct fr_request *req, struct fr_response *resp,
                   const char *const *accepted, const char *slug, const char *title,
                   const char *name, const struct fr_buf *detail_start)
{
    struct fr_buf detail;
    json_t *extensions = json_object();
    json_t *allowed = json_array();
    bool ok = extensions != NULL && allowed != NULL;
    enum fr_status status;

    fr_buf_init(&detail);
    if (detail_start->data == NULL)
        ok = false; /* the caller could not write its sentence */
    status = fr_buf_append(&detail, detail_start->data, detail_start->len);
    if (status == FR_OK)
        status = fr_buf_append_str(&detail, "; ");
    if (status == FR_OK)
        status = append_accepted(&detail, accepted);
    if (status != FR_OK)
        ok = false;

    for (size_t i = 0; ok && accepted[i] != NULL; i++) {
        if (json_array_append_new(allowed, json_string(accepted[i])) != 0)
            ok = false;
    }
    if (ok && name != NULL &&
        json_object_set_new(extensions, "parameter", fr_json_string_lossy(name)) != 0)
        ok = false;
    if (ok && name == NULL &&
        json_object_set_new(extensions, "maximum", json_integer(FR_MAX_QUERY_PARAMS)) != 0)
        ok = false;
    if (ok && json_object_set(extensions, "allowed_parameters", allowed) != 0)
        ok = false;

    if (ok) {
        fr_response_problem(resp, req, 400, slug, title, detail.data, extensions);
        extensions = NULL; /* stolen */
    } else {
        /* Without memory for the details, a bare problem still says 400. */
        fr_response_problem(resp, req, 400, slug, title, NULL, NULL);
    }
    json_decref(allowed);
    json_decref(extensions);
    fr_buf_cleanup(&detail);
}

/*
 * Parameters are checked in the order they were sent, so the answer names
 * the first mistake; a name is "unknown" before it can be "repeated".
 */
enum fr_status fr_request_check_query(const struct fr_request *req,
                                      const char *const *accepted,
                                      struct fr_response *resp)
{
    static const char *const none[] = {NULL};
    struct fr_buf start;
    const char *bad = NULL;
    enum fr_status status = FR_OK;

    if (accepted == NULL)
        accepted = none;
    fr_buf_init(&start);

    if (req->query_overflow) {
        (void)fr_buf_appendf(&start, "a request may have at most %d query parameters",
                             FR_MAX_QUERY_PARAMS);
        reject(req, resp, accepted, "too-many-parameters", "Too Many Parameters", NULL, &start);
        status = FR_EINVAL;
        goto out;
    }

    for (size_t i = 0; i < req->query_count && bad == NULL; i++) {
        const char *name = req->query[i].name;
        if (!is_accepted(accepted, name)) {
            (void)fr_buf_appendf(&start, "unknown query parameter '%s'", name);
            bad = name;
            break;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(req->query[j].name, name) == 0) {
                (void)fr_buf_appendf(&start, "query parameter '%s' is given more than once",
                                     name);
                bad = name;
                break;
            }
        }
    }
    if (bad != NULL) {
        reject(req, resp, accepted, "invalid-parameter", "Invalid Parameter", bad, &start);
        status = FR_EINVAL;
    }

out:
    fr_buf_cleanup(&start);
    return status;
}

const char *fr_request_header(const struct fr_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

/* ---- what the adapter decodes ------------------------------------------ */

enum fr_method fr_method_parse(const char *name)
{
    static const enum fr_method methods[] = {
        FR_METHOD_GET,   FR_METHOD_HEAD,   FR_METHOD_POST,    FR_METHOD_PUT,
        FR_METHOD_PATCH, FR_METHOD_DELETE, FR_METHOD_OPTIONS,
    };

    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(name, fr_method_name(methods[i])) == 0)
            return methods[i];
    }
    return FR_METHOD_OTHER;
}

int fr_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t fr_percent_decode(char *s)
{
    char *out = s;
    for (const char *in = s; *in != '\0';) {
        int hi = in[0] == '%' ? fr_hex_value(in[1]) : -1;
        int lo = hi >= 0 ? fr_hex_value(in[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *out++ = (char)(hi * 16 + lo);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

const char *fr_trim_blanks(const char *value, size_t *len)
{
    size_t n;

    *len = 0;
    if (value == NULL)
        return NULL;
    while (*value == ' ' || *value == '\t')
        value++;
    n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    *len = n;
    return value;
}
