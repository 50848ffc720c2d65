/*
 * Writes over HTTP, against a real frontierd: who may write, what a write
 * must look like (each refusal with its own status and every error named by
 * a JSON Pointer), versions with If-Match, Idempotency-Key, the change feed,
 * as-of answers after a correction, and readers during writes.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "frontier/auth.h"
#include "support.h"

#define TOKEN "editor-token-0123456789abcdef"
#define OTHER_TOKEN "not-a-configured-token-42"

static struct test_server daemon_;
static char tokens_arg[160];
static char log_path[512];
static char tmpdir[256];
static bool daemon_failed;

static void start(void)
{
    char digest[FR_TOKEN_DIGEST_HEX + 1];
    fr_sha256_hex(TOKEN, strlen(TOKEN), digest);
    test_format(tokens_arg, sizeof(tokens_arg), "editor:%s", digest);
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "frontier-writes");
    test_format(log_path, sizeof(log_path), "%s/access.log", tmpdir);
    const char *args[] = {"--tokens", tokens_arg, "--access-log", log_path,
                          "--max-body-bytes", "4096", NULL};
    test_server_start(&daemon_, args);
}

static void stop(void)
{
    if (test_server_stop(&daemon_) != 0)
        daemon_failed = true;
    test_tmpdir_remove(tmpdir);
}

/* ---- requests ---------------------------------------------------------- */

static const char *const json_writer[] = {"Authorization: Bearer " TOKEN,
                                          "Content-Type: application/json", NULL};

static void post(const char *target, const char *body, struct http_reply *reply)
{
    http_send(daemon_.port, "POST", target, json_writer, body, strlen(body), reply);
}

/* PATCH or DELETE with If-Match (NULL: none) and the editor's token. */
static void change(const char *method, const char *target, const char *if_match,
                   const char *body, struct http_reply *reply)
{
    char match[128];
    const char *headers[4] = {"Authorization: Bearer " TOKEN,
                              "Content-Type: application/merge-patch+json", NULL, NULL};
    if (if_match) {
        test_format(match, sizeof(match), "If-Match: %s", if_match);
        headers[2] = match;
    }
    http_send(daemon_.port, method, target, headers, body, body ? strlen(body) : 0, reply);
}

/* The current ETag of target (GET). */
static void etag_of(const char *target, char *out, size_t size)
{
    struct http_reply reply;
    http_get(daemon_.port, target, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert(http_reply_header(&reply, "ETag", out, size));
    http_reply_free(&reply);
}

/* Does the problem list an error at pointer whose detail contains
 * detail_part (NULL: any detail)? */
static bool has_error(const json_t *problem, const char *pointer, const char *detail_part)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(problem, "errors"), i, e) {
        const char *p = json_string_value(json_object_get(e, "pointer"));
        const char *d = json_string_value(json_object_get(e, "detail"));
        if (p && d && strcmp(p, pointer) == 0 && (!detail_part || strstr(d, detail_part)))
            return true;
    }
    return false;
}

static json_t *problem_of(const struct http_reply *reply, long status, const char *slug)
{
    ck_assert_msg(reply->status == status, "status %ld, wanted %ld: %s", reply->status, status,
                  reply->body);
    char type[64];
    ck_assert(http_reply_header(reply, "Content-Type", type, sizeof(type)));
    ck_assert_str_eq(type, "application/problem+json");
    json_t *problem = http_reply_json(reply);
    char want[128];
    test_format(want, sizeof(want), "/problems/%s", slug);
    ck_assert_str_eq(test_member_str(problem, "type"), want);
    return problem;
}

/* A new result for Grok 4 on HLE, dated known_since, as JSON text. */
static void result_body(char *out, size_t size, const char *id, const char *score,
                        const char *known_since)
{
    test_format(out, size,
                "{\"id\":\"%s\",\"model\":\"grok-4\",\"benchmark\":\"humanitys-last-exam\","
                "\"score\":%s,\"reported_as\":\"%s%%\",\"evaluator\":\"artificial-analysis\","
                "\"evaluator_relationship\":\"third_party\",\"tools\":\"none\","
                "\"known_since\":{\"value\":\"%s\",\"precision\":\"day\"},"
                "\"source\":\"artificial-analysis-grok4-results\",\"note\":null,"
                "\"citations\":[{\"source\":\"artificial-analysis-grok4-results\","
                "\"quoted_in\":\"yicai-grok4-article\","
                "\"quote\":\"在 「人类最后的考试」(HLE) 测试中\"}]}",
                id, score, score, known_since);
}

/* ---- who may write ----------------------------------------------------- */

START_TEST(test_writes_need_a_valid_bearer_token)
{
    char body[2048], value[256];
    struct http_reply reply;
    result_body(body, sizeof(body), "auth-check", "10", "2025-07-11");

    const char *none[] = {"Content-Type: application/json", NULL};
    http_send(daemon_.port, "POST", "/v1/results", none, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 401, "unauthorized"));
    ck_assert(http_reply_header(&reply, "WWW-Authenticate", value, sizeof(value)));
    ck_assert_str_eq(value, "Bearer realm=\"frontier-api\"");
    http_reply_free(&reply);

    const char *wrong[] = {"Authorization: Bearer " OTHER_TOKEN,
                           "Content-Type: application/json", NULL};
    http_send(daemon_.port, "POST", "/v1/results", wrong, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 401, "unauthorized"));
    ck_assert(http_reply_header(&reply, "WWW-Authenticate", value, sizeof(value)));
    ck_assert_ptr_nonnull(strstr(value, "error=\"invalid_token\""));
    http_reply_free(&reply);

    const char *basic[] = {"Authorization: Basic ZWRpdG9yOnNlY3JldA==",
                           "Content-Type: application/json", NULL};
    http_send(daemon_.port, "POST", "/v1/results", basic, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 401, "unauthorized"));
    http_reply_free(&reply);

    const char *malformed[] = {"Authorization: Bearer two tokens",
                               "Content-Type: application/json", NULL};
    http_send(daemon_.port, "POST", "/v1/results", malformed, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 400, "invalid-authorization"));
    ck_assert(http_reply_header(&reply, "WWW-Authenticate", value, sizeof(value)));
    ck_assert_ptr_nonnull(strstr(value, "error=\"invalid_request\""));
    http_reply_free(&reply);

    /* Refused writes change nothing; reads need no token. */
    http_get(daemon_.port, "/v1/results/auth-check", &reply);
    ck_assert_int_eq(reply.status, 404);
    http_reply_free(&reply);

    /* The scheme is case-insensitive. */
    const char *lower[] = {"Authorization: bearer " TOKEN, "Content-Type: application/json",
                           NULL};
    http_send(daemon_.port, "POST", "/v1/results", lower, body, strlen(body), &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_token_never_logged)
{
    struct http_reply reply;
    char body[2048];
    result_body(body, sizeof(body), "log-check", "11", "2025-07-11");
    post("/v1/results", body, &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);
    const char *wrong[] = {"Authorization: Bearer " OTHER_TOKEN, NULL};
    http_request(daemon_.port, "DELETE", "/v1/results/log-check", wrong, &reply);
    ck_assert_int_eq(reply.status, 401);
    http_reply_free(&reply);

    FILE *f = fopen(log_path, "r");
    ck_assert_ptr_nonnull(f);
    char line[8192];
    size_t lines = 0;
    while (fgets(line, sizeof(line), f)) {
        lines++;
        ck_assert_ptr_null(strstr(line, TOKEN));
        ck_assert_ptr_null(strstr(line, OTHER_TOKEN));
    }
    fclose(f);
    ck_assert_uint_ge(lines, 2);
}
END_TEST

/* `frontierd hash-token` prints what --tokens takes for a token on stdin. */
START_TEST(test_hash_token_command)
{
    char command[1024], line[128], digest[FR_TOKEN_DIGEST_HEX + 1];
    test_format(command, sizeof(command), "printf '%%s\\n' '%s' | '%s' hash-token", TOKEN,
                getenv("FRONTIERD_BIN"));
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
    ck_assert_int_eq(pclose(p), 0);
    fr_sha256_hex(TOKEN, strlen(TOKEN), digest);
    ck_assert_uint_eq(strlen(line), FR_TOKEN_DIGEST_HEX + 1);
    ck_assert_int_eq(strncmp(line, digest, FR_TOKEN_DIGEST_HEX), 0);

    test_format(command, sizeof(command), "printf 'short' | '%s' hash-token 2>&1",
                getenv("FRONTIERD_BIN"));
    p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
    ck_assert_ptr_nonnull(strstr(line, "at least 16"));
    int status = pclose(p);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
}
END_TEST

/* ---- creating ---------------------------------------------------------- */

START_TEST(test_create_then_read)
{
    char body[2048], location[256], etag[64], get_etag[64];
    struct http_reply reply, got;
    result_body(body, sizeof(body), "grok-4-hle-aa-recheck", "25.4", "2025-07-12");
    post("/v1/results", body, &reply);
    ck_assert_msg(reply.status == 201, "%s", reply.body);
    ck_assert(http_reply_header(&reply, "Location", location, sizeof(location)));
    ck_assert_str_eq(location, "/v1/results/grok-4-hle-aa-recheck");
    ck_assert(http_reply_header(&reply, "ETag", etag, sizeof(etag)));

    json_t *created = http_reply_json(&reply);
    ck_assert_int_eq(json_integer_value(json_object_get(created, "version")), 1);
    ck_assert_ptr_nonnull(test_member_str(created, "recorded_at"));
    ck_assert_str_eq(test_member_str(created, "recorded_at"),
                     test_member_str(created, "updated_at"));
    ck_assert_str_eq(test_member_str(json_object_get(created, "known_since"), "display"),
                     "12 July 2025");

    /* What the POST answered is what a GET reads, ETag included. */
    http_get(daemon_.port, location, &got);
    ck_assert_int_eq(got.status, 200);
    ck_assert_str_eq(got.body, reply.body);
    ck_assert(http_reply_header(&got, "ETag", get_etag, sizeof(get_etag)));
    ck_assert_str_eq(get_etag, etag);
    http_reply_free(&got);

    /* And it is in the lists and filters at once. */
    http_get(daemon_.port, "/v1/results?model=grok-4&benchmark=humanitys-last-exam", &got);
    ck_assert_int_eq(got.status, 200);
    ck_assert_ptr_nonnull(strstr(got.body, "\"grok-4-hle-aa-recheck\""));
    http_reply_free(&got);

    /* The same id again is a conflict. */
    http_reply_free(&reply);
    post("/v1/results", body, &reply);
    json_decref(problem_of(&reply, 409, "already-exists"));
    http_reply_free(&reply);
    json_decref(created);
}
END_TEST

START_TEST(test_every_error_is_listed)
{
    struct http_reply reply;
    const char *body =
        "{\"id\":\"bad-result\",\"model\":\"grok-9\",\"benchmark\":\"humanitys-last-exam\","
        "\"score\":\"high\",\"evaluator\":\"xai\",\"evaluator_relationship\":\"first_party\","
        "\"tools\":\"none\",\"colour\":\"blue\","
        "\"known_since\":{\"value\":\"2025-13-40\",\"precision\":\"day\"},"
        "\"source\":\"xai-grok4-livestream\",\"version\":7,"
        "\"citations\":[{\"source\":\"no-such-source\",\"quote\":\"x\"}]}";
    post("/v1/results", body, &reply);
    json_t *problem = problem_of(&reply, 422, "invalid-record");
    ck_assert_msg(has_error(problem, "/model", "grok-9"), "%s", reply.body);
    ck_assert_msg(has_error(problem, "/score", NULL), "%s", reply.body);
    ck_assert_msg(has_error(problem, "/colour", NULL), "%s", reply.body);
    ck_assert_msg(has_error(problem, "/known_since", NULL) ||
                      has_error(problem, "/known_since/value", NULL), "%s", reply.body);
    ck_assert_msg(has_error(problem, "/version", NULL), "%s", reply.body);
    ck_assert_msg(has_error(problem, "/citations/0/source", "no-such-source"), "%s", reply.body);
    json_decref(problem);
    http_reply_free(&reply);

    /* Negative money, in a funding round. */
    const char *round =
        "{\"id\":\"negative-round\",\"organization\":\"xai\",\"name\":\"n\","
        "\"announced\":{\"value\":\"2025\",\"precision\":\"year\"},"
        "\"amount\":{\"amount_minor\":-5,\"currency\":\"USD\"},\"status\":\"done\","
        "\"citations\":[{\"source\":\"yicai-grok4-article\",\"quote\":\"q\"}]}";
    post("/v1/funding-rounds", round, &reply);
    problem = problem_of(&reply, 422, "invalid-record");
    ck_assert_msg(has_error(problem, "/amount/amount_minor", NULL) ||
                      has_error(problem, "/amount", NULL), "%s", reply.body);
    json_decref(problem);
    http_reply_free(&reply);

    http_get(daemon_.port, "/v1/results/bad-result", &reply);
    ck_assert_int_eq(reply.status, 404);
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_create_without_provenance)
{
    struct http_reply reply;
    const char *body =
        "{\"id\":\"uncited\",\"name\":\"Uncited Lab\",\"kind\":\"ai_lab\",\"citations\":[]}";
    post("/v1/organizations", body, &reply);
    json_t *problem = problem_of(&reply, 422, "invalid-record");
    ck_assert_msg(has_error(problem, "/citations", "source"), "%s", reply.body);
    json_decref(problem);
    http_reply_free(&reply);

    const char *missing = "{\"id\":\"uncited\",\"name\":\"Uncited Lab\",\"kind\":\"ai_lab\"}";
    post("/v1/organizations", missing, &reply);
    json_decref(problem_of(&reply, 422, "invalid-record"));
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_body_format_is_checked)
{
    struct http_reply reply;
    const char *body = "{\"id\":\"x\"}";
    const char *text[] = {"Authorization: Bearer " TOKEN, "Content-Type: text/plain", NULL};
    http_send(daemon_.port, "POST", "/v1/results", text, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 415, "unsupported-media-type"));
    http_reply_free(&reply);

    const char *none[] = {"Authorization: Bearer " TOKEN, "Content-Type:", NULL};
    http_send(daemon_.port, "POST", "/v1/results", none, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 415, "unsupported-media-type"));
    http_reply_free(&reply);

    const char *latin1[] = {"Authorization: Bearer " TOKEN,
                            "Content-Type: application/json; charset=iso-8859-1", NULL};
    http_send(daemon_.port, "POST", "/v1/results", latin1, body, strlen(body), &reply);
    json_decref(problem_of(&reply, 415, "unsupported-media-type"));
    http_reply_free(&reply);

    post("/v1/results", "{\"id\": \"x\",", &reply);
    json_t *problem = problem_of(&reply, 400, "malformed-json");
    ck_assert(json_is_integer(json_object_get(problem, "line")));
    json_decref(problem);
    http_reply_free(&reply);

    post("/v1/results", "[1, 2]", &reply);
    json_decref(problem_of(&reply, 422, "invalid-record"));
    http_reply_free(&reply);

    post("/v1/results", "{\"id\":\"a\",\"id\":\"b\"}", &reply);
    json_decref(problem_of(&reply, 400, "malformed-json"));
    http_reply_free(&reply);

    /* Over --max-body-bytes (4096 here). */
    char *big = malloc(6001);
    memset(big, ' ', 6000);
    big[0] = '{';
    big[5999] = '}';
    big[6000] = '\0';
    post("/v1/results", big, &reply);
    json_decref(problem_of(&reply, 413, "body-too-large"));
    http_reply_free(&reply);
    free(big);

    /* Writes take no query parameters. */
    http_send(daemon_.port, "POST", "/v1/results?dry_run=1", json_writer, body, strlen(body),
              &reply);
    ck_assert_int_eq(reply.status, 400);
    http_reply_free(&reply);

    /* The server is still serving. */
    http_get(daemon_.port, "/readyz", &reply);
    ck_assert_int_eq(reply.status, 200);
    http_reply_free(&reply);
}
END_TEST

/* ---- changing and deleting --------------------------------------------- */

START_TEST(test_patch_needs_current_etag)
{
    char body[2048], etag[64], stale[64], new_etag[64];
    struct http_reply reply;
    result_body(body, sizeof(body), "patch-me", "20", "2025-07-13");
    post("/v1/results", body, &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);
    etag_of("/v1/results/patch-me", etag, sizeof(etag));

    const char *patch =
        "{\"score\":21.5,\"reported_as\":\"21.5%\",\"citations\":[{\"source\":"
        "\"artificial-analysis-grok4-results\",\"quote\":\"corrected figure\"}]}";
    change("PATCH", "/v1/results/patch-me", NULL, patch, &reply);
    json_decref(problem_of(&reply, 428, "precondition-required"));
    http_reply_free(&reply);

    change("PATCH", "/v1/results/patch-me", "\"0000000000000000\"", patch, &reply);
    json_decref(problem_of(&reply, 412, "precondition-failed"));
    http_reply_free(&reply);

    /* A weak tag never satisfies If-Match. */
    char weak[80];
    test_format(weak, sizeof(weak), "W/%s", etag);
    change("PATCH", "/v1/results/patch-me", weak, patch, &reply);
    json_decref(problem_of(&reply, 412, "precondition-failed"));
    http_reply_free(&reply);

    change("PATCH", "/v1/results/patch-me", etag, patch, &reply);
    ck_assert_msg(reply.status == 200, "%s", reply.body);
    json_t *patched = http_reply_json(&reply);
    ck_assert(json_real_value(json_object_get(patched, "score")) == 21.5);
    ck_assert_int_eq(json_integer_value(json_object_get(patched, "version")), 2);
    ck_assert_str_eq(test_member_str(patched, "reported_as"), "21.5%");
    ck_assert_str_eq(test_member_str(patched, "benchmark"), "humanitys-last-exam"); /* kept */
    ck_assert_str_ne(test_member_str(patched, "recorded_at"),
                     test_member_str(patched, "updated_at"));
    ck_assert(http_reply_header(&reply, "ETag", new_etag, sizeof(new_etag)));
    ck_assert_str_ne(new_etag, etag);
    json_decref(patched);
    http_reply_free(&reply);

    /* The old tag is stale now. */
    memcpy(stale, etag, sizeof(stale));
    change("PATCH", "/v1/results/patch-me", stale, patch, &reply);
    json_decref(problem_of(&reply, 412, "precondition-failed"));
    http_reply_free(&reply);

    /* A PATCH must cite; one that breaks the record lists why. */
    change("PATCH", "/v1/results/patch-me", new_etag, "{\"score\":22}", &reply);
    json_t *problem = problem_of(&reply, 422, "missing-provenance");
    ck_assert(has_error(problem, "/citations", NULL));
    json_decref(problem);
    http_reply_free(&reply);
    change("PATCH", "/v1/results/patch-me", new_etag,
           "{\"score\":\"x\",\"display\":1,\"citations\":[{\"source\":\"xai-grok4-livestream\","
           "\"quote\":\"q\"}]}", &reply);
    problem = problem_of(&reply, 422, "invalid-record");
    ck_assert_msg(has_error(problem, "/score", NULL), "%s", reply.body);
    ck_assert_msg(has_error(problem, "/display", NULL), "%s", reply.body);
    json_decref(problem);
    http_reply_free(&reply);

    change("PATCH", "/v1/results/no-such-result", "*", patch, &reply);
    json_decref(problem_of(&reply, 404, "not-found"));
    http_reply_free(&reply);
}
END_TEST

START_TEST(test_delete)
{
    char body[2048], etag[64];
    struct http_reply reply;

    /* Still referenced: grok-4 has results, events, claims. */
    etag_of("/v1/models/grok-4", etag, sizeof(etag));
    change("DELETE", "/v1/models/grok-4", etag, NULL, &reply);
    json_t *problem = problem_of(&reply, 409, "still-referenced");
    ck_assert_uint_gt(json_array_size(json_object_get(problem, "errors")), 0);
    json_decref(problem);
    http_reply_free(&reply);

    result_body(body, sizeof(body), "delete-me", "5", "2025-07-14");
    post("/v1/results", body, &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);
    change("DELETE", "/v1/results/delete-me", NULL, NULL, &reply);
    json_decref(problem_of(&reply, 428, "precondition-required"));
    http_reply_free(&reply);
    etag_of("/v1/results/delete-me", etag, sizeof(etag));
    change("DELETE", "/v1/results/delete-me", etag, NULL, &reply);
    ck_assert_int_eq(reply.status, 204);
    ck_assert_uint_eq(reply.body_len, 0);
    http_reply_free(&reply);
    http_get(daemon_.port, "/v1/results/delete-me", &reply);
    ck_assert_int_eq(reply.status, 404);
    http_reply_free(&reply);
    change("DELETE", "/v1/results/delete-me", "*", NULL, &reply);
    json_decref(problem_of(&reply, 404, "not-found"));
    http_reply_free(&reply);
}
END_TEST

/* ---- Idempotency-Key --------------------------------------------------- */

START_TEST(test_idempotent_retry)
{
    char body[2048], other[2048], value[32];
    struct http_reply first, again;
    const char *keyed[] = {"Authorization: Bearer " TOKEN, "Content-Type: application/json",
                           "Idempotency-Key: 6f1c2b9e-retry-1", NULL};
    result_body(body, sizeof(body), "idempotent-result", "30", "2025-07-15");
    json_t *before = http_get_json(daemon_.port, "/v1/changes?limit=500", 200);

    http_send(daemon_.port, "POST", "/v1/results", keyed, body, strlen(body), &first);
    ck_assert_int_eq(first.status, 201);
    ck_assert(!http_reply_header(&first, "Idempotent-Replayed", value, sizeof(value)));
    http_send(daemon_.port, "POST", "/v1/results", keyed, body, strlen(body), &again);
    ck_assert_int_eq(again.status, 201);
    ck_assert_str_eq(again.body, first.body);
    ck_assert(http_reply_header(&again, "Idempotent-Replayed", value, sizeof(value)));
    ck_assert_str_eq(value, "true");
    http_reply_free(&again);

    /* One change, not two. */
    json_t *after = http_get_json(daemon_.port, "/v1/changes?limit=500", 200);
    ck_assert_uint_eq(json_array_size(json_object_get(after, "items")),
                      json_array_size(json_object_get(before, "items")) + 1);
    json_decref(before);
    json_decref(after);

    /* The same key with another body is refused. */
    result_body(other, sizeof(other), "idempotent-other", "31", "2025-07-15");
    http_send(daemon_.port, "POST", "/v1/results", keyed, other, strlen(other), &again);
    json_decref(problem_of(&again, 422, "idempotency-key-reused"));
    http_reply_free(&again);
    http_get(daemon_.port, "/v1/results/idempotent-other", &again);
    ck_assert_int_eq(again.status, 404);
    http_reply_free(&again);

    const char *bad_key[] = {"Authorization: Bearer " TOKEN, "Content-Type: application/json",
                             "Idempotency-Key: \"\"", NULL};
    http_send(daemon_.port, "POST", "/v1/results", bad_key, other, strlen(other), &again);
    json_decref(problem_of(&again, 400, "invalid-header"));
    http_reply_free(&again);
    http_reply_free(&first);
}
END_TEST

/* ---- the change feed and as-of ----------------------------------------- */

START_TEST(test_change_feed)
{
    char body[2048], etag[64], target[128];
    struct http_reply reply;
    json_t *start = http_get_json(daemon_.port, "/v1/changes?since=0&limit=500", 200);
    long long since = json_integer_value(json_object_get(start, "next_since"));
    json_decref(start);

    result_body(body, sizeof(body), "feed-result", "40", "2025-07-16");
    post("/v1/results", body, &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);
    etag_of("/v1/results/feed-result", etag, sizeof(etag));
    change("PATCH", "/v1/results/feed-result", etag,
           "{\"note\":\"checked\",\"citations\":[{\"source\":\"artificial-analysis-grok4-results\","
           "\"quote\":\"q\"}]}", &reply);
    ck_assert_int_eq(reply.status, 200);
    http_reply_free(&reply);
    etag_of("/v1/results/feed-result", etag, sizeof(etag));
    change("DELETE", "/v1/results/feed-result", etag, NULL, &reply);
    ck_assert_int_eq(reply.status, 204);
    http_reply_free(&reply);

    test_format(target, sizeof(target), "/v1/changes?since=%lld", since);
    json_t *feed = http_get_json(daemon_.port, target, 200);
    json_t *items = json_object_get(feed, "items");
    ck_assert_uint_eq(json_array_size(items), 3);
    static const char *const actions[] = {"create", "update", "delete"};
    for (size_t i = 0; i < 3; i++) {
        json_t *entry = json_array_get(items, i);
        ck_assert_str_eq(test_member_str(entry, "action"), actions[i]);
        ck_assert_str_eq(test_member_str(entry, "actor"), "editor");
        ck_assert_str_eq(test_member_str(entry, "id"), "feed-result");
        ck_assert_str_eq(test_member_str(entry, "table"), "results");
        ck_assert_int_eq(json_integer_value(json_object_get(entry, "seq")), since + 1 + (long long)i);
        ck_assert(json_is_string(json_object_get(entry, "at")));
    }
    ck_assert(json_is_null(json_object_get(json_array_get(items, 0), "old")));
    ck_assert(json_is_null(json_object_get(json_object_get(json_array_get(items, 1), "old"),
                                           "note")));
    ck_assert_str_eq(test_member_str(json_object_get(json_array_get(items, 1), "new"), "note"),
                     "checked");
    ck_assert(json_is_null(json_object_get(json_array_get(items, 2), "new")));
    ck_assert_int_eq(json_integer_value(json_object_get(feed, "next_since")), since + 3);
    ck_assert(json_is_false(json_object_get(feed, "has_more")));
    json_decref(feed);

    /* Paging: one at a time, and an empty page keeps the place. */
    test_format(target, sizeof(target), "/v1/changes?since=%lld&limit=1", since);
    feed = http_get_json(daemon_.port, target, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(feed, "items")), 1);
    ck_assert(json_is_true(json_object_get(feed, "has_more")));
    json_decref(feed);
    test_format(target, sizeof(target), "/v1/changes?since=%lld", since + 3);
    feed = http_get_json(daemon_.port, target, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(feed, "items")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(feed, "next_since")), since + 3);
    json_decref(feed);

    http_get(daemon_.port, "/v1/changes?since=-1", &reply);
    ck_assert_int_eq(reply.status, 400);
    http_reply_free(&reply);
    http_get(daemon_.port, "/v1/changes?limit=0", &reply);
    ck_assert_int_eq(reply.status, 400);
    http_reply_free(&reply);
}
END_TEST

/* A correction moves a fact in time, and as_of follows the corrected date. */
START_TEST(test_as_of_after_correction)
{
    char body[2048], etag[64];
    struct http_reply reply;
    result_body(body, sizeof(body), "as-of-result", "41", "2025-08-01");
    post("/v1/results", body, &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);

    http_get(daemon_.port, "/v1/leaderboards/humanitys-last-exam?as_of=2025-07-31", &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_ptr_null(strstr(reply.body, "as-of-result"));
    http_reply_free(&reply);
    http_get(daemon_.port, "/v1/leaderboards/humanitys-last-exam?as_of=2025-08-02", &reply);
    ck_assert_ptr_nonnull(strstr(reply.body, "as-of-result"));
    http_reply_free(&reply);

    etag_of("/v1/results/as-of-result", etag, sizeof(etag));
    change("PATCH", "/v1/results/as-of-result", etag,
           "{\"known_since\":{\"value\":\"2025-09-01\"},\"citations\":[{\"source\":"
           "\"artificial-analysis-grok4-results\",\"quote\":\"q\"}]}", &reply);
    ck_assert_msg(reply.status == 200, "%s", reply.body);
    http_reply_free(&reply);
    http_get(daemon_.port, "/v1/leaderboards/humanitys-last-exam?as_of=2025-08-02", &reply);
    ck_assert_ptr_null(strstr(reply.body, "as-of-result"));
    http_reply_free(&reply);
    http_get(daemon_.port, "/v1/leaderboards/humanitys-last-exam?as_of=2025-09-01", &reply);
    ck_assert_ptr_nonnull(strstr(reply.body, "as-of-result"));
    http_reply_free(&reply);
}
END_TEST

/* ---- nested records ---------------------------------------------------- */

START_TEST(test_capacity_joins_its_cluster)
{
    struct http_reply reply;
    char location[256];
    const char *capacity =
        "{\"id\":\"colossus-2026-planned\",\"date\":{\"value\":\"2026\",\"precision\":\"year\"},"
        "\"gpu_count\":2000000,\"gpu_model\":null,\"status\":\"planned\",\"note\":null,"
        "\"citations\":[{\"source\":\"yicai-grok4-article\",\"quote\":\"q\"}]}";
    post("/v1/compute/clusters/colossus/capacities", capacity, &reply);
    ck_assert_msg(reply.status == 201, "%s", reply.body);
    ck_assert(http_reply_header(&reply, "Location", location, sizeof(location)));
    ck_assert_str_eq(location, "/v1/compute/clusters/colossus");
    ck_assert_ptr_nonnull(strstr(reply.body, "colossus-2026-planned"));
    http_reply_free(&reply);

    const char *bad = "{\"id\":\"colossus-bad\",\"date\":{\"value\":\"2026\",\"precision\":"
                      "\"year\"},\"gpu_count\":\"many\",\"status\":\"planned\","
                      "\"citations\":[{\"source\":\"yicai-grok4-article\",\"quote\":\"q\"}]}";
    post("/v1/compute/clusters/colossus/capacities", bad, &reply);
    json_t *problem = problem_of(&reply, 422, "invalid-record");
    ck_assert_msg(has_error(problem, "/gpu_count", NULL), "%s", reply.body);
    json_decref(problem);
    http_reply_free(&reply);

    /* A retry with the same Idempotency-Key adds nothing twice. */
    const char *capacity2 =
        "{\"id\":\"colossus-2027-planned\",\"date\":{\"value\":\"2027\",\"precision\":\"year\"},"
        "\"gpu_count\":3000000,\"status\":\"planned\","
        "\"citations\":[{\"source\":\"yicai-grok4-article\",\"quote\":\"q\"}]}";
    const char *keyed[] = {"Authorization: Bearer " TOKEN, "Content-Type: application/json",
                           "Idempotency-Key: capacity-2027", NULL};
    struct http_reply first, again;
    char value[16];
    http_send(daemon_.port, "POST", "/v1/compute/clusters/colossus/capacities", keyed, capacity2,
              strlen(capacity2), &first);
    ck_assert_msg(first.status == 201, "%s", first.body);
    http_send(daemon_.port, "POST", "/v1/compute/clusters/colossus/capacities", keyed, capacity2,
              strlen(capacity2), &again);
    ck_assert_int_eq(again.status, 201);
    ck_assert_str_eq(again.body, first.body);
    ck_assert(http_reply_header(&again, "Idempotent-Replayed", value, sizeof(value)));
    http_reply_free(&first);
    http_reply_free(&again);

    post("/v1/compute/clusters/no-such-cluster/capacities", capacity, &reply);
    json_decref(problem_of(&reply, 404, "not-found"));
    http_reply_free(&reply);
}
END_TEST

/* ---- readers during writes --------------------------------------------- */

struct reader {
    atomic_bool *stop;
    unsigned port;
    long reads, inconsistent, errors;
};

/* Every read sees one whole version: the score and reported_as that one
 * PATCH wrote together. */
static void *read_loop(void *arg)
{
    struct reader *r = arg;
    while (!atomic_load(r->stop)) {
        struct http_reply reply;
        http_get(r->port, "/v1/results/consistency", &reply);
        if (reply.status != 200) {
            r->errors++;
        } else {
            json_error_t e;
            json_t *obj = json_loads(reply.body, 0, &e);
            char want[64];
            snprintf(want, sizeof(want), "%lld%%",
                     (long long)json_number_value(json_object_get(obj, "score")));
            const char *got = json_string_value(json_object_get(obj, "reported_as"));
            if (!got || strcmp(got, want) != 0)
                r->inconsistent++;
            json_decref(obj);
        }
        r->reads++;
        http_reply_free(&reply);
    }
    return NULL;
}

START_TEST(test_readers_see_whole_writes)
{
    char body[2048], etag[64], patch[512];
    struct http_reply reply;
    atomic_bool stop = false;
    struct reader readers[3];
    pthread_t threads[3];

    result_body(body, sizeof(body), "consistency", "1", "2025-07-17");
    post("/v1/results", body, &reply);
    ck_assert_int_eq(reply.status, 201);
    http_reply_free(&reply);
    for (int i = 0; i < 3; i++) {
        readers[i] = (struct reader){.stop = &stop, .port = daemon_.port};
        pthread_create(&threads[i], NULL, read_loop, &readers[i]);
    }
    for (int v = 2; v <= 40; v++) {
        etag_of("/v1/results/consistency", etag, sizeof(etag));
        test_format(patch, sizeof(patch),
                    "{\"score\":%d,\"reported_as\":\"%d%%\",\"citations\":[{\"source\":"
                    "\"artificial-analysis-grok4-results\",\"quote\":\"q\"}]}", v, v);
        change("PATCH", "/v1/results/consistency", etag, patch, &reply);
        ck_assert_int_eq(reply.status, 200);
        http_reply_free(&reply);
    }
    atomic_store(&stop, true);
    long reads = 0;
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        ck_assert_int_eq(readers[i].errors, 0);
        ck_assert_int_eq(readers[i].inconsistent, 0);
        reads += readers[i].reads;
    }
    ck_assert_int_gt(reads, 39);
    json_t *last = http_get_json(daemon_.port, "/v1/results/consistency", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(last, "version")), 40);
    json_decref(last);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("writes");
    TCase *tc = tcase_create("writes");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_writes_need_a_valid_bearer_token);
    tcase_add_test(tc, test_token_never_logged);
    tcase_add_test(tc, test_hash_token_command);
    tcase_add_test(tc, test_create_then_read);
    tcase_add_test(tc, test_every_error_is_listed);
    tcase_add_test(tc, test_create_without_provenance);
    tcase_add_test(tc, test_body_format_is_checked);
    tcase_add_test(tc, test_patch_needs_current_etag);
    tcase_add_test(tc, test_delete);
    tcase_add_test(tc, test_idempotent_retry);
    tcase_add_test(tc, test_change_feed);
    tcase_add_test(tc, test_as_of_after_correction);
    tcase_add_test(tc, test_capacity_joins_its_cluster);
    tcase_add_test(tc, test_readers_see_whole_writes);
    suite_add_tcase(s, tc);
    int failed = test_run_suite(s);
    return failed || daemon_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
