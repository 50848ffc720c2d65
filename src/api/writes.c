/*
 * The write handlers: POST on a collection, PATCH and DELETE on an item.
 * Everything HTTP about a write is checked here, in this order, each with
 * its own problem: the writer's bearer token (401), the query (400), the
 * media type (415), JSON syntax (400), the preconditions (428) and the
 * Idempotency-Key (400). What the write means (the record's validity, the
 * version, references) is the store's and the writer's (src/edit/), whose
 * answer is turned into a status here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "frontier/auth.h"
#include "frontier/edits.h"

#define REALM "frontier-api"
#define IDEMPOTENCY_KEY_MAX 255

static const char *const no_params[] = {NULL};

/* ---- who is writing --------------------------------------------------- */

/* Answers 401 (or 400 for a malformed header) and returns NULL unless the
 * request carries a configured token; returns the token's name. */
static const char *authenticate(const struct fr_request *req, struct fr_response *resp)
{
    const char *name = NULL;
    const struct fr_tokens *tokens = fr_edits_tokens(req->edits);
    enum fr_auth_result auth =
        fr_tokens_check(tokens, fr_request_header(req, "Authorization"), &name);
    if (auth == FR_AUTH_OK)
        return name;

    const char *challenge = "Bearer realm=\"" REALM "\"";
    int status = 401;
    const char *detail;
    if (auth == FR_AUTH_MISSING) {
        detail = fr_tokens_count(tokens) == 0
                     ? "writes need a bearer token, and this server has none configured"
                     : "writes need 'Authorization: Bearer <token>'";
    } else if (auth == FR_AUTH_MALFORMED) {
        status = 400;
        challenge = "Bearer realm=\"" REALM "\", error=\"invalid_request\", "
                    "error_description=\"the Authorization header is not one bearer token\"";
        detail = "the Authorization header is not 'Bearer' followed by one token (RFC 6750)";
    } else {
        challenge = "Bearer realm=\"" REALM "\", error=\"invalid_token\", "
                    "error_description=\"the token is not valid\"";
        detail = "the bearer token is not one this server accepts";
    }
    fr_response_problem(resp, req, status, status == 401 ? "unauthorized" : "invalid-authorization",
                        status == 401 ? "Unauthorized" : "Bad Request", detail, NULL);
    fr_response_add_header(resp, "WWW-Authenticate", challenge);
    return NULL;
}

/* ---- the body ---------------------------------------------------------- */

/* Is content_type (parameters allowed, charset only UTF-8) one of types? */
static bool media_type_is(const char *content_type, const char *const *types)
{
    if (!content_type)
        return false;
    size_t len = strcspn(content_type, ";");
    while (len && (content_type[len - 1] == ' ' || content_type[len - 1] == '\t'))
        len--;
    bool known = false;
    for (const char *const *t = types; *t && !known; t++)
        known = strlen(*t) == len && strncasecmp(content_type, *t, len) == 0;
    if (!known)
        return false;
    /* The only parameter that could change the reading is charset. */
    const char *charset = strcasestr(content_type + len, "charset=");
    if (!charset)
        return true;
    charset += strlen("charset=");
    if (*charset == '"')
        charset++;
    return strncasecmp(charset, "utf-8", 5) == 0;
}

/* Parses the body as one JSON object; answers 415, 400 or 422 and returns
 * NULL when it cannot. */
static json_t *parse_body(const struct fr_request *req, struct fr_response *resp,
                          const char *const *types)
{
    const char *content_type = fr_request_header(req, "Content-Type");
    if (!media_type_is(content_type, types)) {
        char detail[256];
        snprintf(detail, sizeof(detail), "the body must be %s%s%s (UTF-8), not %.80s",
                 types[0], types[1] ? " or " : "", types[1] ? types[1] : "",
                 content_type ? content_type : "without a Content-Type");
        fr_response_problem(resp, req, 415, "unsupported-media-type", "Unsupported Media Type",
                            detail, NULL);
        fr_response_add_header(resp, req->method == FR_METHOD_PATCH ? "Accept-Patch" : "Accept-Post",
                                req->method == FR_METHOD_PATCH
                                    ? "application/merge-patch+json, application/json"
                                    : "application/json");
        return NULL;
    }
    if (!req->body || req->body_len == 0) {
        fr_response_problem(resp, req, 400, "empty-body", "Bad Request",
                            "the request has no body: send the record as a JSON object", NULL);
        return NULL;
    }
    json_error_t error;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &error);
    if (!body) {
        char detail[320];
        snprintf(detail, sizeof(detail), "the body is not valid JSON: %s (line %d, column %d)",
                 error.text, error.line, error.column);
        fr_response_problem(resp, req, 400, "malformed-json", "Bad Request", detail,
                            json_pack("{s:i, s:i, s:I}", "line", error.line, "column",
                                      error.column, "position", (json_int_t)error.position));
        return NULL;
    }
    if (!json_is_object(body)) {
        json_decref(body);
        fr_response_problem(resp, req, 422, "invalid-record", "Unprocessable Content",
                            "the body must be a JSON object",
                            json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", "", "detail",
                                      "expected an object"));
        return NULL;
    }
    return body;
}

/* Idempotency-Key as a bare key or a structured-field string ("..."): 1 to
 * 255 visible ASCII characters. Copies the key into out; answers 400 and
 * returns false when it is malformed. */
static bool read_idempotency_key(const struct fr_request *req, struct fr_response *resp,
                                 char out[IDEMPOTENCY_KEY_MAX + 1], bool *present)
{
    const char *value = fr_request_header(req, "Idempotency-Key");
    *present = value != NULL;
    if (!value)
        return true;
    size_t len = strlen(value);
    if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
        value++;
        len -= 2;
    }
    bool ok = len >= 1 && len <= IDEMPOTENCY_KEY_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = value[i] > 0x20 && value[i] < 0x7f && value[i] != '"';
    if (!ok) {
        fr_response_problem(resp, req, 400, "invalid-header", "Bad Request",
                            "Idempotency-Key must be 1 to 255 visible ASCII characters "
                            "(optionally in double quotes)",
                            json_pack("{s:s}", "header", "Idempotency-Key"));
        return false;
    }
    memcpy(out, value, len);
    out[len] = '\0';
    return true;
}

/* ---- the answer -------------------------------------------------------- */

static int problem_status(const struct fr_edit_result *result)
{
    const char *p = result->problem ? result->problem : "";
    if (strcmp(p, "invalid-record") == 0 || strcmp(p, "missing-provenance") == 0 ||
        strcmp(p, "idempotency-key-reused") == 0)
        return 422;
    if (strcmp(p, "not-found") == 0)
        return 404;
    if (strcmp(p, "precondition-failed") == 0 || strcmp(p, "version-mismatch") == 0)
        return 412;
    if (strcmp(p, "already-exists") == 0 || strcmp(p, "still-referenced") == 0)
        return 409;
    return 500;
}

static const char *status_title(int status)
{
    switch (status) {
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 422: return "Unprocessable Content";
    default: return "Internal Server Error";
    }
}

static void answer_refusal(const struct fr_request *req, struct fr_response *resp,
                           struct fr_edit_result *result)
{
    int status = problem_status(result);
    json_t *extensions = NULL;
    if (result->errors) {
        extensions = json_pack("{s:O}", "errors", result->errors);
    }
    fr_response_problem(resp, req, status, status == 500 ? "internal-error" : result->problem,
                        status_title(status), result->detail, extensions);
}

/* A copy of the written item's body: the snapshot it lives in may go before
 * the response is sent (the request holds the one it started with). The
 * Location, when given, is path and id (NULL: path alone). */
static void answer_item(struct fr_response *resp, int status,
                        const struct fr_edit_result *result, const char *path, const char *id)
{
    const char *body = result->item ? result->item->rep.body : result->replay_body;
    size_t len = result->item ? result->item->rep.len : strlen(result->replay_body);
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    fr_response_take(resp, status, FR_CONTENT_JSON, copy, len);
    if (path)
        fr_response_set_location(resp, path, id);
    if (result->replayed)
        fr_response_add_header(resp, "Idempotent-Replayed", "true");
}

/* The checks every write shares; returns the writer's name or NULL when
 * answered. */
static const char *admit(const struct fr_request *req, struct fr_response *resp)
{
    if (!req->edits) {
        fr_response_problem(resp, req, 503, "writes-unavailable", "Service Unavailable",
                            "this server takes no writes", NULL);
        return NULL;
    }
    const char *actor = authenticate(req, resp);
    if (!actor)
        return NULL;
    if (fr_request_check_query(req, no_params, resp) != FR_OK)
        return NULL;
    return actor;
}

static void create(const struct fr_request *req, struct fr_response *resp,
                   enum fr_collection_id collection, const char *child)
{
    static const char *const types[] = {"application/json", NULL};
    char key[IDEMPOTENCY_KEY_MAX + 1], digest[FR_TOKEN_DIGEST_HEX + 1], parent[512];
    bool keyed = false;
    struct fr_edit_result result;

    const char *actor = admit(req, resp);
    if (!actor || !read_idempotency_key(req, resp, key, &keyed))
        return;
    json_t *body = parse_body(req, resp, types);
    if (!body)
        return;
    if (keyed) {
        /* The key stands for this exact request: method, path and body. */
        struct fr_buf what;
        fr_buf_init(&what);
        if (fr_buf_appendf(&what, "POST %s\n", req->path) == FR_OK &&
            fr_buf_append(&what, req->body, req->body_len) == FR_OK)
            fr_sha256_hex(what.data, what.len, digest);
        else
            keyed = false;
        fr_buf_cleanup(&what);
    }
    struct fr_edit edit = {
        .action = FR_WRITE_CREATE,
        .collection = collection,
        .id = child ? req->path_params[0] : NULL,
        .child = child,
        .body = body,
        .actor = actor,
        .idempotency_key = keyed ? key : NULL,
        .request_digest = keyed ? digest : NULL,
    };
    fr_edits_apply(req->edits, &edit, &result);
    if (result.status != FR_OK) {
        answer_refusal(req, resp, &result);
    } else {
        /* A nested record lives in its parent, which is what is answered. */
        if (child) {
            size_t parent_len = strlen(req->path) - strlen(child) - 1;
            snprintf(parent, sizeof(parent), "%.*s", (int)parent_len, req->path);
            answer_item(resp, 201, &result, parent, NULL);
        } else {
            answer_item(resp, 201, &result, req->path,
                        json_string_value(json_object_get(body, "id")));
        }
    }
    fr_edit_result_cleanup(&result);
    json_decref(body);
}

void api_create(const struct fr_request *req, struct fr_response *resp,
                enum fr_collection_id collection)
{
    create(req, resp, collection, NULL);
}

void api_create_child(const struct fr_request *req, struct fr_response *resp,
                      enum fr_collection_id collection, const char *child)
{
    create(req, resp, collection, child);
}

void api_change(const struct fr_request *req, struct fr_response *resp,
                enum fr_collection_id collection)
{
    static const char *const types[] = {"application/merge-patch+json", "application/json",
                                        NULL};
    struct fr_edit_result result;
    json_t *body = NULL;

    const char *actor = admit(req, resp);
    if (!actor)
        return;
    const char *if_match = fr_request_header(req, "If-Match");
    if (!if_match) {
        fr_response_problem(resp, req, 428, "precondition-required", "Precondition Required",
                            req->method == FR_METHOD_PATCH
                                ? "a PATCH needs If-Match with the item's ETag (from a GET), so "
                                  "that it cannot overwrite a change it has not seen"
                                : "a DELETE needs If-Match with the item's ETag (from a GET), so "
                                  "that it cannot delete a change it has not seen",
                            NULL);
        return;
    }
    if (req->method == FR_METHOD_PATCH && !(body = parse_body(req, resp, types)))
        return;
    struct fr_edit edit = {
        .action = req->method == FR_METHOD_PATCH ? FR_WRITE_REPLACE : FR_WRITE_DELETE,
        .collection = collection,
        .id = req->path_params[0],
        .body = body,
        .if_match = if_match,
        .actor = actor,
    };
    fr_edits_apply(req->edits, &edit, &result);
    if (result.status != FR_OK)
        answer_refusal(req, resp, &result);
    else if (edit.action == FR_WRITE_DELETE)
        fr_response_borrow(resp, 204, NULL, "", 0);
    else
        answer_item(resp, 200, &result, NULL, NULL);
    fr_edit_result_cleanup(&result);
    json_decref(body);
}
