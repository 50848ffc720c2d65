/*
 * Writes to the store: creating, replacing and deleting records with their
 * revisions and change log entries; every problem of a refused body listed
 * with its JSON Pointer; version, existence, reference and Idempotency-Key
 * conflicts; refused writes leaving the database exactly as it was; and
 * migration 3 giving the records of an older database their revisions.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontier/store.h"
#include "support.h"

#define SEED_TIME "2026-11-28T21:09:35.000Z"

/* A citation list every body can carry. */
#define CITE "\"citations\": [{\"source\": \"yicai-grok4-article\", \"quote\": \"x\"}]"

/* A valid results record, as a client would send it. */
#define RESULT_BODY                                                                          \
    "{\"id\": \"grok-4-test-result\", \"model\": \"grok-4\", \"benchmark\": \"aime-2025\", "   \
    "\"score\": 90.5, \"evaluator\": \"xai\", \"evaluator_relationship\": \"first_party\", "   \
    "\"tools\": \"none\", \"known_since\": {\"value\": \"2025-07-10\", \"precision\": \"day\"}, " \
    "\"source\": \"xai-grok4-livestream\", " CITE "}"

static char tmpdir[256];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "frontier-write");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

static struct fr_store *open_store(const char *path)
{
    struct fr_store *store = NULL;
    char error[1024] = "";
    enum fr_status st = fr_store_open(path, test_seed_dir(), &store, error, sizeof(error));
    ck_assert_msg(st == FR_OK, "open failed: %s", error);
    return store;
}

static struct fr_store *open_memory(void)
{
    return open_store(":memory:");
}

static void file_path(char *out, size_t size, const char *name)
{
    test_format(out, size, "%s/%s", tmpdir, name);
}

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, 0, &error);
    ck_assert_msg(json != NULL, "bad test JSON (%s): %s", error.text, text);
    return json;
}

/* Fails unless actual equals the JSON in expected_text. */
static void assert_json(const json_t *actual, const char *expected_text)
{
    json_t *expected = parse(expected_text);
    if (!json_equal(actual, expected)) {
        char *got = actual ? json_dumps(actual, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        ck_abort_msg("got %s\nexpected %s", got ? got : "NULL", expected_text);
    }
    json_decref(expected);
}

/* Runs one write whose body is JSON text (NULL for DELETE). */
static enum fr_status write_text(struct fr_store *store, enum fr_write_action action,
                                 const char *table, const char *id, const char *body,
                                 long long expected_version, struct fr_write_result *result)
{
    char error[1024] = "";
    json_t *record = body ? parse(body) : NULL;
    struct fr_write w = {.action = action, .table = table, .id = id, .record = record,
                         .expected_version = expected_version, .actor = "alice"};
    enum fr_status st = fr_store_write(store, &w, result, error, sizeof(error));
    if (st == FR_OK)
        ck_assert_str_eq(error, "");
    else
        ck_assert_msg(error[0] != '\0', "a refusal without a reason");
    json_decref(record);
    return st;
}

/* A write that must be refused as invalid with exactly expected_errors. */
static void assert_invalid(struct fr_store *store, enum fr_write_action action,
                           const char *table, const char *id, const char *body,
                           const char *expected_errors)
{
    struct fr_write_result result;
    ck_assert_int_eq(write_text(store, action, table, id, body, 1, &result), FR_EINVAL);
    ck_assert_str_eq(result.problem, "invalid-record");
    ck_assert_ptr_null(result.record);
    assert_json(result.errors, expected_errors);
    fr_write_result_cleanup(&result);
}

static json_t *get(struct fr_store *store, const char *table, const char *id)
{
    json_t *record = NULL;
    char error[1024] = "";
    ck_assert_msg(fr_store_get(store, table, id, &record, error, sizeof(error)) == FR_OK,
                  "get %s/%s: %s", table, id, error);
    return record;
}

static json_t *load(struct fr_store *store)
{
    json_t *data = NULL;
    char error[1024] = "";
    ck_assert_msg(fr_store_load(store, &data, error, sizeof(error)) == FR_OK, "%s", error);
    return data;
}

static json_t *changes(struct fr_store *store, long long after, size_t limit)
{
    json_t *list = NULL;
    char error[1024] = "";
    ck_assert_msg(fr_store_changes(store, after, limit, &list, error, sizeof(error)) == FR_OK,
                  "%s", error);
    return list;
}

/* "2026-11-28T23:50:01.123Z": RFC 3339 UTC with milliseconds. */
static bool is_time(const char *s)
{
    static const char pattern[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (!s || strlen(s) != sizeof(pattern) - 1)
        return false;
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pattern[i])
            return false;
    }
    return true;
}

static const char *member_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static long long member_int(const json_t *obj, const char *key)
{
    ck_assert_msg(json_is_integer(json_object_get(obj, key)), "'%s' is no integer", key);
    return json_integer_value(json_object_get(obj, key));
}

/* The record without its revision members (to compare contents). */
static json_t *content(const json_t *record)
{
    json_t *copy = json_deep_copy(record);
    json_object_del(copy, "version");
    json_object_del(copy, "recorded_at");
    json_object_del(copy, "updated_at");
    return copy;
}

/* ---- happy paths ---------------------------------------------------------- */

START_TEST(test_create_replace_delete)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;

    /* CREATE: version 1, stored as fr_store_load shapes records. */
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "results", NULL, RESULT_BODY, 0, &result),
                     FR_OK);
    ck_assert_int_eq(result.version, 1);
    ck_assert_int_gt(result.change, 0);
    ck_assert(!result.replayed);
    ck_assert_ptr_null(result.problem);
    ck_assert_ptr_null(result.errors);
    long long first_change = result.change;
    json_t *created = json_incref(result.record);
    fr_write_result_cleanup(&result);

    const char *recorded = member_str(created, "recorded_at");
    ck_assert(is_time(recorded));
    ck_assert_str_eq(member_str(created, "updated_at"), recorded);
    ck_assert_int_eq(member_int(created, "version"), 1);
    json_t *body = content(created);
    assert_json(body,
        "{\"id\": \"grok-4-test-result\", \"model\": \"grok-4\", \"benchmark\": \"aime-2025\", "
        "\"score\": 90.5, \"reported_as\": null, \"evaluator\": \"xai\", "
        "\"evaluator_relationship\": \"first_party\", \"tools\": \"none\", "
        "\"known_since\": {\"value\": \"2025-07-10\", \"precision\": \"day\", \"qualifier\": null}, "
        "\"source\": \"xai-grok4-livestream\", \"note\": null, \"citations\": [{\"source\": "
        "\"yicai-grok4-article\", \"quoted_in\": \"yicai-grok4-article\", \"quote\": \"x\", "
        "\"quote_en\": null}]}");
    json_decref(body);
    /* The revision members come last, after the record's own. */
    const char *keys[32];
    size_t n = 0;
    const char *key;
    json_t *value;
    json_object_foreach(created, key, value) {
        (void)value;
        ck_assert_uint_lt(n, 32);
        keys[n++] = key;
    }
    ck_assert_uint_eq(n, 15);
    ck_assert_str_eq(keys[0], "id");
    ck_assert_str_eq(keys[11], "citations");
    ck_assert_str_eq(keys[12], "version");
    ck_assert_str_eq(keys[13], "recorded_at");
    ck_assert_str_eq(keys[14], "updated_at");

    json_t *stored = get(store, "results", "grok-4-test-result");
    ck_assert(json_equal(stored, created));
    json_decref(stored);

    /* REPLACE: version 2, recorded_at kept. */
    json_t *changed = content(created);
    json_object_set_new(changed, "score", json_real(91.25));
    json_object_del(changed, "id"); /* the path names the record */
    char *changed_text = json_dumps(changed, 0);
    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "results", "grok-4-test-result",
                                changed_text, 1, &result), FR_OK);
    free(changed_text);
    json_decref(changed);
    ck_assert_int_eq(result.version, 2);
    ck_assert_int_eq(result.change, first_change + 1);
    json_t *replaced = json_incref(result.record);
    fr_write_result_cleanup(&result);
    ck_assert(json_real_value(json_object_get(replaced, "score")) == 91.25);
    ck_assert_int_eq(member_int(replaced, "version"), 2);
    ck_assert_str_eq(member_str(replaced, "recorded_at"), member_str(created, "recorded_at"));
    ck_assert(is_time(member_str(replaced, "updated_at")));
    ck_assert_int_ge(strcmp(member_str(replaced, "updated_at"), member_str(created, "updated_at")),
                     0);

    /* DELETE: at the version seen, gone afterwards. */
    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "results", "grok-4-test-result", NULL, 2,
                                &result), FR_OK);
    ck_assert_ptr_null(result.record);
    ck_assert_int_eq(result.version, 2);
    ck_assert_int_eq(result.change, first_change + 2);
    fr_write_result_cleanup(&result);
    json_t *gone = NULL;
    char error[256];
    ck_assert_int_eq(fr_store_get(store, "results", "grok-4-test-result", &gone, error,
                                  sizeof(error)), FR_ENOTFOUND);
    ck_assert_ptr_null(gone);

    /* The change log holds all three, old and new as the store shaped them. */
    json_t *log = changes(store, 0, 100);
    ck_assert_uint_eq(json_array_size(log), 3);
    const char *actions[] = {"create", "update", "delete"};
    const json_t *olds[] = {NULL, created, replaced};
    const json_t *news[] = {created, replaced, NULL};
    for (size_t i = 0; i < 3; i++) {
        json_t *entry = json_array_get(log, i);
        ck_assert_uint_eq(json_object_size(entry), 9);
        ck_assert_int_eq(member_int(entry, "seq"), first_change + (long long)i);
        ck_assert(is_time(member_str(entry, "at")));
        ck_assert_str_eq(member_str(entry, "actor"), "alice");
        ck_assert_str_eq(member_str(entry, "action"), actions[i]);
        ck_assert_str_eq(member_str(entry, "table"), "results");
        ck_assert_str_eq(member_str(entry, "id"), "grok-4-test-result");
        ck_assert_int_eq(member_int(entry, "version"), i == 0 ? 1 : 2);
        if (olds[i])
            ck_assert(json_equal(json_object_get(entry, "old"), olds[i]));
        else
            ck_assert(json_is_null(json_object_get(entry, "old")));
        if (news[i])
            ck_assert(json_equal(json_object_get(entry, "new"), news[i]));
        else
            ck_assert(json_is_null(json_object_get(entry, "new")));
    }
    ck_assert_str_eq(member_str(json_array_get(log, 0), "at"), recorded);
    ck_assert_str_eq(member_str(json_array_get(log, 1), "at"), member_str(replaced, "updated_at"));
    json_decref(log);

    /* since and limit: exclusive, oldest first, at most limit. */
    log = changes(store, first_change, 1);
    ck_assert_uint_eq(json_array_size(log), 1);
    ck_assert_int_eq(member_int(json_array_get(log, 0), "seq"), first_change + 1);
    json_decref(log);
    log = changes(store, first_change + 2, 10);
    ck_assert_uint_eq(json_array_size(log), 0);
    json_decref(log);
    log = changes(store, 0, 0);
    ck_assert_uint_eq(json_array_size(log), 0);
    json_decref(log);

    json_decref(created);
    json_decref(replaced);
    fr_store_close(store);
}
END_TEST

/* A seed record keeps when it was recorded; its update is now. */
START_TEST(test_replace_keeps_recorded_at)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    json_t *before = get(store, "people", "liu-xiaojie");
    ck_assert_str_eq(member_str(before, "recorded_at"), SEED_TIME);
    ck_assert_str_eq(member_str(before, "updated_at"), SEED_TIME);

    json_t *body = content(before);
    json_object_set_new(body, "note", json_string("Byline of the article."));
    char *text = json_dumps(body, 0);
    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "people", "liu-xiaojie", text, 1,
                                &result), FR_OK);
    ck_assert_int_eq(result.version, 2);
    ck_assert_str_eq(member_str(result.record, "recorded_at"), SEED_TIME);
    ck_assert(is_time(member_str(result.record, "updated_at")));
    ck_assert_str_ne(member_str(result.record, "updated_at"), SEED_TIME);
    ck_assert_str_eq(member_str(result.record, "note"), "Byline of the article.");
    fr_write_result_cleanup(&result);

    /* Another change counts on from there. */
    json_object_set_new(body, "note", json_string("Again."));
    free(text);
    text = json_dumps(body, 0);
    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "people", "liu-xiaojie", text, 2,
                                &result), FR_OK);
    ck_assert_int_eq(result.version, 3);
    ck_assert_str_eq(member_str(result.record, "recorded_at"), SEED_TIME);
    fr_write_result_cleanup(&result);
    free(text);
    json_decref(body);
    json_decref(before);
    fr_store_close(store);
}
END_TEST

/* The same record sent back changes nothing and logs nothing. */
START_TEST(test_noop_replace)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    json_t *before = get(store, "models", "grok-4");
    json_t *body = content(before);
    json_t *data_before = load(store);

    /* In another member order, with quoted_in and nulls left out. */
    json_t *reordered = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value) {
        if (!json_is_null(value))
            json_object_set(reordered, key, value);
    }
    json_object_del(reordered, "id");
    json_object_set_new(reordered, "id", json_string("grok-4"));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(reordered, "citations"), i, c) {
        if (json_equal(json_object_get(c, "quoted_in"), json_object_get(c, "source")))
            json_object_del(c, "quoted_in");
    }
    char *text = json_dumps(reordered, 0);
    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "models", "grok-4", text, 1, &result),
                     FR_OK);
    ck_assert_int_eq(result.version, 1);
    ck_assert_int_eq(result.change, 0);
    ck_assert(json_equal(result.record, before));
    fr_write_result_cleanup(&result);

    json_t *data_after = load(store);
    ck_assert(json_equal(data_before, data_after));
    json_t *log = changes(store, 0, 10);
    ck_assert_uint_eq(json_array_size(log), 0);

    json_decref(log);
    json_decref(data_before);
    json_decref(data_after);
    free(text);
    json_decref(reordered);
    json_decref(body);
    json_decref(before);
    fr_store_close(store);
}
END_TEST

/* fr_store_get shapes each record exactly as fr_store_load does. */
START_TEST(test_get_matches_load)
{
    struct fr_store *store = open_memory();
    json_t *data = load(store);
    size_t records = 0;
    for (const char *const *t = fr_store_tables(); *t; t++) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(data, *t), i, r) {
            json_t *one = get(store, *t, member_str(r, "id"));
            ck_assert_msg(json_equal(one, r), "%s/%s differs", *t, member_str(r, "id"));
            json_decref(one);
            records++;
        }
    }
    ck_assert_uint_gt(records, 90);
    json_decref(data);

    json_t *none = NULL;
    char error[256];
    ck_assert_int_eq(fr_store_get(store, "models", "grok-9", &none, error, sizeof(error)),
                     FR_ENOTFOUND);
    ck_assert_int_eq(fr_store_get(store, "model_claims", "grok-4-most-powerful-ai-model", &none,
                                  error, sizeof(error)), FR_EINVAL);
    ck_assert_ptr_null(none);
    fr_store_close(store);
}
END_TEST

/* ---- invalid bodies ----------------------------------------------------- */

START_TEST(test_every_problem_is_listed)
{
    struct fr_store *store = open_memory();
    /* Four different problems, four errors, in the body's order. */
    assert_invalid(store, FR_WRITE_CREATE, "results", NULL,
        "{\"id\": \"r-1\", \"model\": \"grok-9\", \"benchmark\": \"aime-2025\", "
        "\"score\": \"high\", \"evaluator\": \"xai\", \"evaluator_relationship\": "
        "\"first_party\", \"tools\": \"none\", \"known_since\": {\"value\": \"2025-13\", "
        "\"precision\": \"month\"}, \"source\": \"xai-grok4-livestream\", \"bogus\": 1, " CITE "}",
        "[{\"pointer\": \"/model\", \"detail\": \"no models record with id 'grok-9'\"},"
        " {\"pointer\": \"/score\", \"detail\": \"expected a number\"},"
        " {\"pointer\": \"/known_since\", \"detail\": \"invalid date: month must be 01 to 12\"},"
        " {\"pointer\": \"/bogus\", \"detail\": \"unknown field 'bogus'\"}]");

    /* Missing id and required members, all of them. */
    assert_invalid(store, FR_WRITE_CREATE, "organizations", NULL, "{\"country\": \"US\", " CITE "}",
        "[{\"pointer\": \"/id\", \"detail\": \"every record needs a string 'id'\"},"
        " {\"pointer\": \"/name\", \"detail\": \"'name' is required\"},"
        " {\"pointer\": \"/kind\", \"detail\": \"'kind' is required\"}]");
    assert_invalid(store, FR_WRITE_CREATE, "organizations", NULL,
        "{\"id\": 7, \"name\": null, \"kind\": \"ai_lab\", " CITE "}",
        "[{\"pointer\": \"/id\", \"detail\": \"every record needs a string 'id'\"},"
        " {\"pointer\": \"/name\", \"detail\": \"'name' is required\"}]");

    /* Nested children and their members, each at its full pointer; negative
     * money; a float in minor units; member names escaped (RFC 6901). */
    assert_invalid(store, FR_WRITE_CREATE, "funding_rounds", NULL,
        "{\"id\": \"xai-2026-round\", \"organization\": \"xai\", \"name\": \"R\", "
        "\"announced\": {\"value\": \"2026-01\", \"precision\": \"month\"}, "
        "\"amount\": {\"amount_minor\": -5, \"currency\": \"USD\"}, \"status\": \"done\", "
        "\"tranches\": [{\"id\": \"t-1\", \"kind\": \"debt\", \"amount\": {\"amount_minor\": 1.5, "
        "\"currency\": \"USD\"}, " CITE "}, {\"id\": \"t-2\", \"kind\": \"equity\", "
        "\"amount\": {\"amount_minor\": 5, \"currency\": \"usd\"}, \"a/b~c\": 1}], " CITE "}",
        "[{\"pointer\": \"/amount\", \"detail\": \"invalid money: amount must not be negative\"},"
        " {\"pointer\": \"/tranches/0/amount/amount_minor\", \"detail\": \"money needs an integer "
        "'amount_minor' (minor units, never a float)\"},"
        " {\"pointer\": \"/tranches/1/amount\", \"detail\": \"invalid money: currency must be an "
        "ISO 4217 code in capitals, such as USD or CNY\"},"
        " {\"pointer\": \"/tranches/1/a~1b~0c\", \"detail\": \"unknown field 'a/b~c'\"},"
        " {\"pointer\": \"/tranches/1/citations\", \"detail\": \"'citations' must be a non-empty "
        "array: every fact needs a source and a quote\"}]");

    /* A child naming its parent, links that are not ids. */
    assert_invalid(store, FR_WRITE_CREATE, "valuations", NULL,
        "{\"id\": \"v-1\", \"date\": {\"value\": \"2025\", \"precision\": \"year\", \"qualifier\": 3}, "
        "\"amount\": {\"amount_minor\": 1, \"currency\": \"USD\", \"approximate\": \"yes\"}, "
        "\"basis\": \"reported\", \"organizations\": [\"xai\", 7, \"nope\"], " CITE "}",
        "[{\"pointer\": \"/date/qualifier\", \"detail\": \"a date's 'qualifier' must be a string or null\"},"
        " {\"pointer\": \"/amount/approximate\", \"detail\": \"money's 'approximate' must be true or false\"},"
        " {\"pointer\": \"/organizations/1\", \"detail\": \"expected an id string\"},"
        " {\"pointer\": \"/organizations/2\", \"detail\": \"no organizations record with id 'nope'\"}]");

    /* Not an object at all. */
    assert_invalid(store, FR_WRITE_CREATE, "people", NULL, "[1]",
                   "[{\"pointer\": \"\", \"detail\": \"expected an object\"}]");
    fr_store_close(store);
}
END_TEST

/* What the server sets or derives is refused, saying so. */
START_TEST(test_read_only_and_derived_members)
{
    struct fr_store *store = open_memory();
    assert_invalid(store, FR_WRITE_CREATE, "funding_rounds", NULL,
        "{\"id\": \"xai-2026-round\", \"organization\": \"xai\", \"name\": \"R\", "
        "\"announced\": {\"value\": \"2026-01\", \"precision\": \"month\", \"qualifier\": null, "
        "\"display\": \"January 2026\", \"earliest\": \"2026-01-01\", \"latest\": \"2026-01-31\"}, "
        "\"amount\": {\"amount_minor\": 500, \"currency\": \"USD\", \"approximate\": false, "
        "\"amount\": \"5.00\"}, \"status\": \"done\", \"version\": 1, "
        "\"recorded_at\": \"" SEED_TIME "\", \"updated_at\": \"" SEED_TIME "\", "
        "\"tranches\": [{\"id\": \"t-1\", \"kind\": \"debt\", \"version\": 2, "
        "\"amount\": {\"amount_minor\": 500, \"currency\": \"USD\"}, " CITE "}], " CITE "}",
        "[{\"pointer\": \"/announced/display\", \"detail\": \"'display' is derived from value, "
        "precision and qualifier when the API serves the record; do not send it\"},"
        " {\"pointer\": \"/announced/earliest\", \"detail\": \"'earliest' is derived from value, "
        "precision and qualifier when the API serves the record; do not send it\"},"
        " {\"pointer\": \"/announced/latest\", \"detail\": \"'latest' is derived from value, "
        "precision and qualifier when the API serves the record; do not send it\"},"
        " {\"pointer\": \"/amount/amount\", \"detail\": \"'amount' is derived from amount_minor "
        "and currency when the API serves the record; do not send it\"},"
        " {\"pointer\": \"/version\", \"detail\": \"'version' is set by the server (the record's "
        "revision); do not send it\"},"
        " {\"pointer\": \"/recorded_at\", \"detail\": \"'recorded_at' is set by the server (the "
        "record's revision); do not send it\"},"
        " {\"pointer\": \"/updated_at\", \"detail\": \"'updated_at' is set by the server (the "
        "record's revision); do not send it\"},"
        " {\"pointer\": \"/tranches/0/version\", \"detail\": \"unknown field 'version'\"}]");
    fr_store_close(store);
}
END_TEST

/* Every fact needs a source and a quote. */
START_TEST(test_citations_are_required)
{
    struct fr_store *store = open_memory();
    static const char *const bodies[] = {
        "{\"id\": \"p-1\", \"name\": \"P\", \"role\": \"r\"}",
        "{\"id\": \"p-1\", \"name\": \"P\", \"role\": \"r\", \"citations\": []}",
        "{\"id\": \"p-1\", \"name\": \"P\", \"role\": \"r\", \"citations\": {}}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        assert_invalid(store, FR_WRITE_CREATE, "people", NULL, bodies[i],
                       "[{\"pointer\": \"/citations\", \"detail\": \"'citations' must be a "
                       "non-empty array: every fact needs a source and a quote\"}]");

    assert_invalid(store, FR_WRITE_CREATE, "people", NULL,
        "{\"id\": \"p-1\", \"name\": \"P\", \"role\": \"r\", \"citations\": [{}, "
        "{\"source\": \"nope\", \"quoted_in\": \"nope-either\", \"quote\": \"\", \"page\": 3}, "
        "\"yicai-grok4-article\", {\"source\": 5, \"quote\": \"q\", \"quote_en\": 1}]}",
        "[{\"pointer\": \"/citations/0/source\", \"detail\": \"a citation needs a 'source' id: "
        "every fact needs a source and a quote\"},"
        " {\"pointer\": \"/citations/0/quote\", \"detail\": \"a citation needs a non-empty "
        "'quote': every fact needs a source and a quote\"},"
        " {\"pointer\": \"/citations/1/page\", \"detail\": \"unknown citation member 'page' "
        "(expected source, quoted_in, quote, quote_en)\"},"
        " {\"pointer\": \"/citations/1/source\", \"detail\": \"no sources record with id 'nope'\"},"
        " {\"pointer\": \"/citations/1/quote\", \"detail\": \"a citation needs a non-empty "
        "'quote': every fact needs a source and a quote\"},"
        " {\"pointer\": \"/citations/1/quoted_in\", \"detail\": \"no sources record with id "
        "'nope-either'\"},"
        " {\"pointer\": \"/citations/2\", \"detail\": \"a citation must be an object\"},"
        " {\"pointer\": \"/citations/3/source\", \"detail\": \"a citation needs a 'source' id: "
        "every fact needs a source and a quote\"},"
        " {\"pointer\": \"/citations/3/quote_en\", \"detail\": \"'quote_en' must be a string or "
        "null\"}]");
    fr_store_close(store);
}
END_TEST

/* References must exist, in members, children, links and citations; a
 * record may refer to itself. */
START_TEST(test_unknown_references)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    assert_invalid(store, FR_WRITE_CREATE, "models", NULL,
        "{\"id\": \"grok-5\", \"name\": \"Grok 5\", \"organization\": \"xia\", "
        "\"kind\": \"language_model\", \"status\": \"planned\", \"successor\": \"grok-6\", "
        "\"claims\": [{\"id\": \"grok-5-claim\", \"kind\": \"statement\", \"statement\": \"s\", "
        "\"relative_to\": \"grok-4\", \"stated_by\": \"nobody\", " CITE "}], " CITE "}",
        "[{\"pointer\": \"/organization\", \"detail\": \"no organizations record with id 'xia'\"},"
        " {\"pointer\": \"/successor\", \"detail\": \"no models record with id 'grok-6'\"},"
        " {\"pointer\": \"/claims/0/stated_by\", \"detail\": \"no organizations record with id "
        "'nobody'\"}]");

    /* A new source citing itself, a model succeeding itself and its claim
     * relative to it: all refer to the record being created. */
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "sources", NULL,
        "{\"id\": \"new-post\", \"kind\": \"post\", \"title\": \"T\", "
        "\"citations\": [{\"source\": \"new-post\", \"quote\": \"q\"}]}", 0, &result), FR_OK);
    assert_json(json_object_get(result.record, "citations"),
                "[{\"source\": \"new-post\", \"quoted_in\": \"new-post\", \"quote\": \"q\", "
                "\"quote_en\": null}]");
    fr_write_result_cleanup(&result);
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "models", NULL,
        "{\"id\": \"grok-5\", \"name\": \"Grok 5\", \"organization\": \"xai\", "
        "\"kind\": \"language_model\", \"status\": \"planned\", \"successor\": \"grok-5\", "
        "\"claims\": [{\"id\": \"grok-5-claim\", \"kind\": \"statement\", \"statement\": \"s\", "
        "\"relative_to\": \"grok-5\", \"citations\": [{\"source\": \"new-post\", \"quote\": "
        "\"q\"}]}], " CITE "}", 0, &result), FR_OK);
    ck_assert_str_eq(member_str(json_array_get(json_object_get(result.record, "claims"), 0),
                                "relative_to"), "grok-5");
    fr_write_result_cleanup(&result);
    fr_store_close(store);
}
END_TEST

/* ---- the schema's own rules ------------------------------------------------ */

/* What the id CHECK of every table (migrations.c, ID_CHECK) requires. */
#define ID_RULE                                                                           \
    "must be 1 to 64 characters of a-z, 0-9 and '-', starting with a lower-case letter " \
    "or a digit"

/* What only the database used to find, one INSERT at a time and once all
 * else was right (its CHECKs and NOT NULLs, ids taken by other records),
 * comes back with the body's other problems in one answer, each at its
 * member and in words. */
START_TEST(test_database_rules_listed_at_once)
{
    struct fr_store *store = open_memory();
    /* A malformed id, a kind not in the list and an unknown publisher. */
    assert_invalid(store, FR_WRITE_CREATE, "sources", NULL,
        "{\"id\": \"Reuters Report\", \"kind\": \"news\", \"title\": \"T\", "
        "\"publisher\": \"reuters\", " CITE "}",
        "[{\"pointer\": \"/id\", \"detail\": \"" ID_RULE "\"},"
        " {\"pointer\": \"/kind\", \"detail\": \"'news' is not allowed: expected one of article, "
        "livestream, post, evaluation, statement, media_report, earnings_report\"},"
        " {\"pointer\": \"/publisher\", \"detail\": \"no organizations record with id "
        "'reuters'\"}]");
    /* CHECKs, an unknown member and a missing required one, together. */
    assert_invalid(store, FR_WRITE_CREATE, "organizations", NULL,
        "{\"id\": \"acme\", \"name\": null, \"kind\": \"cult\", \"country\": \"USA\", "
        "\"bogus\": 1, " CITE "}",
        "[{\"pointer\": \"/kind\", \"detail\": \"'cult' is not allowed: expected one of ai_lab, "
        "technology_company, bank, evaluator, media, chip_maker\"},"
        " {\"pointer\": \"/country\", \"detail\": \"must be 2 characters long\"},"
        " {\"pointer\": \"/bogus\", \"detail\": \"unknown field 'bogus'\"},"
        " {\"pointer\": \"/name\", \"detail\": \"'name' is required\"}]");
    /* Members of dates and money the schema checks are checked by their own
     * rules first, and said once. */
    assert_invalid(store, FR_WRITE_CREATE, "organizations", NULL,
        "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", \"founded\": {\"value\": "
        "\"2023\", \"precision\": \"decade\"}, " CITE "}",
        "[{\"pointer\": \"/founded\", \"detail\": \"invalid date: precision must be year, "
        "quarter, month, week, day or minute\"}]");
    fr_store_close(store);
}
END_TEST

/* Each form of CHECK the migrations use, judged as SQLite would judge it:
 * what it refuses is named, what it takes is stored. */
START_TEST(test_each_check_form)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    char body[512], id[80];

    /* length(id) BETWEEN 1 AND 64 AND id NOT GLOB '*[^a-z0-9-]*' AND
     * id GLOB '[a-z0-9]*': one problem, whichever part fails. */
    static const char *const bad_ids[] = {"", "-acme", "Acme", "acme_corp", "acm\xc3\xa9",
                                          "acme corp", NULL};
    for (const char *const *bad = bad_ids; *bad; bad++) {
        test_format(body, sizeof(body),
                    "{\"id\": \"%s\", \"name\": \"P\", \"role\": \"r\", " CITE "}", *bad);
        assert_invalid(store, FR_WRITE_CREATE, "people", NULL, body,
                       "[{\"pointer\": \"/id\", \"detail\": \"" ID_RULE "\"}]");
    }
    memset(id, 'a', 65);
    id[65] = '\0';
    test_format(body, sizeof(body), "{\"id\": \"%s\", \"name\": \"P\", \"role\": \"r\", " CITE "}",
                id);
    assert_invalid(store, FR_WRITE_CREATE, "people", NULL, body,
                   "[{\"pointer\": \"/id\", \"detail\": \"" ID_RULE "\"}]");
    id[64] = '\0';
    const char *const good_ids[] = {"a", "0day", "a-", id, NULL};
    for (const char *const *good = good_ids; *good; good++) {
        test_format(body, sizeof(body),
                    "{\"id\": \"%s\", \"name\": \"P\", \"role\": \"r\", " CITE "}", *good);
        ck_assert_msg(write_text(store, FR_WRITE_CREATE, "people", NULL, body, 0, &result) ==
                          FR_OK, "id '%s' was refused", *good);
        fr_write_result_cleanup(&result);
    }

    /* column IN ('a', ...), two of them in one body. */
    assert_invalid(store, FR_WRITE_CREATE, "results", NULL,
        "{\"id\": \"r-1\", \"model\": \"grok-4\", \"benchmark\": \"aime-2025\", \"score\": 1, "
        "\"evaluator\": \"xai\", \"evaluator_relationship\": \"self\", \"tools\": \"None\", "
        "\"known_since\": {\"value\": \"2025\", \"precision\": \"year\"}, "
        "\"source\": \"xai-grok4-livestream\", " CITE "}",
        "[{\"pointer\": \"/evaluator_relationship\", \"detail\": \"'self' is not allowed: "
        "expected one of first_party, third_party\"},"
        " {\"pointer\": \"/tools\", \"detail\": \"'None' is not allowed: expected one of none, "
        "enabled, unspecified\"}]");

    /* column > 0, for two columns; 1 is taken. */
    assert_invalid(store, FR_WRITE_CREATE, "benchmarks", NULL,
        "{\"id\": \"b-1\", \"name\": \"B\", \"kind\": \"exam\", \"unit\": \"percent\", "
        "\"is_higher_better\": true, \"question_count\": 0, \"subject_count_min\": -3, " CITE "}",
        "[{\"pointer\": \"/question_count\", \"detail\": \"must be greater than 0\"},"
        " {\"pointer\": \"/subject_count_min\", \"detail\": \"must be greater than 0\"}]");
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "benchmarks", NULL,
        "{\"id\": \"b-1\", \"name\": \"B\", \"kind\": \"exam\", \"unit\": \"percent\", "
        "\"is_higher_better\": true, \"question_count\": 1, \"subject_count_min\": 1, " CITE "}",
        0, &result), FR_OK);
    fr_write_result_cleanup(&result);

    /* length(country) = 2, in characters as SQLite counts them, not bytes. */
    assert_invalid(store, FR_WRITE_CREATE, "organizations", NULL,
        "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", \"country\": \"U\", " CITE "}",
        "[{\"pointer\": \"/country\", \"detail\": \"must be 2 characters long\"}]");
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "organizations", NULL,
        "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", \"country\": "
        "\"\xc3\x85\xc3\x85\", " CITE "}", 0, &result), FR_OK);
    fr_write_result_cleanup(&result);

    /* NOT NULL with a default: null is refused, leaving it out takes it. */
    static const char financial[] =
        "{\"id\": \"f-1\", \"metric\": \"revenue\", \"kind\": \"actual\", \"period\": "
        "{\"value\": \"2025\", \"precision\": \"year\"}, \"source\": \"yicai-grok4-article\", ";
    test_format(body, sizeof(body), "%s\"bound\": null, " CITE "}", financial);
    assert_invalid(store, FR_WRITE_CREATE, "financials", NULL, body,
                   "[{\"pointer\": \"/bound\", \"detail\": \"'bound' must not be null: leave it "
                   "out for its default\"}]");
    test_format(body, sizeof(body), "%s" CITE "}", financial);
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "financials", NULL, body, 0, &result),
                     FR_OK);
    ck_assert_str_eq(member_str(result.record, "bound"), "exact");
    fr_write_result_cleanup(&result);
    fr_store_close(store);
}
END_TEST

/* Children are held to the same rules, each problem at its full pointer;
 * a child's id must be new in the database and in the body. */
START_TEST(test_database_rules_in_children)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    assert_invalid(store, FR_WRITE_CREATE, "clusters", NULL,
        "{\"id\": \"colossus-3\", \"name\": \"Colossus 3\", \"operator\": \"xai\", "
        "\"capacities\": ["
        "{\"id\": \"Cap 1\", \"gpu_count\": 0, \"status\": \"built\", " CITE "}, "
        "{\"id\": \"colossus-2024-07\", \"gpu_count\": 10, \"status\": \"done\", " CITE "}, "
        "{\"id\": \"c-dup\", \"gpu_count\": 10, \"status\": \"planned\", " CITE "}, "
        "{\"id\": \"c-dup\", \"gpu_count\": -1, \"status\": \"planned\", " CITE "}], " CITE "}",
        "[{\"pointer\": \"/capacities/0/id\", \"detail\": \"" ID_RULE "\"},"
        " {\"pointer\": \"/capacities/0/gpu_count\", \"detail\": \"must be greater than 0\"},"
        " {\"pointer\": \"/capacities/0/status\", \"detail\": \"'built' is not allowed: "
        "expected one of done, planned, slipped, cancelled\"},"
        " {\"pointer\": \"/capacities/1/id\", \"detail\": \"a record with this id already "
        "exists\"},"
        " {\"pointer\": \"/capacities/3/id\", \"detail\": \"the record at /capacities/2 has this "
        "id already\"},"
        " {\"pointer\": \"/capacities/3/gpu_count\", \"detail\": \"must be greater than 0\"}]");
    assert_invalid(store, FR_WRITE_CREATE, "models", NULL,
        "{\"id\": \"grok-5\", \"name\": \"Grok 5\", \"organization\": \"xai\", "
        "\"kind\": \"language_model\", \"status\": \"rumoured\", \"claims\": [{\"id\": "
        "\"grok-4-most-powerful-ai-model\", \"kind\": \"statement\", \"comparator\": \"approx\", "
        "\"statement\": \"s\", " CITE "}], " CITE "}",
        "[{\"pointer\": \"/status\", \"detail\": \"'rumoured' is not allowed: expected one of "
        "released, announced, planned, cancelled\"},"
        " {\"pointer\": \"/claims/0/id\", \"detail\": \"a record with this id already exists\"},"
        " {\"pointer\": \"/claims/0/comparator\", \"detail\": \"'approx' is not allowed: "
        "expected one of eq, gt, ge, lt, le, about\"}]");

    /* Taken when right; a replace keeps its children's own ids. */
    static const char cluster[] =
        "{\"id\": \"colossus-3\", \"name\": \"Colossus 3\", \"operator\": \"xai\", "
        "\"capacities\": [{\"id\": \"colossus-3-a\", \"gpu_count\": 1, \"status\": "
        "\"planned\", " CITE "}], " CITE "}";
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "clusters", NULL, cluster, 0, &result),
                     FR_OK);
    fr_write_result_cleanup(&result);
    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "clusters", "colossus-3", cluster, 1,
                                &result), FR_OK);
    fr_write_result_cleanup(&result);
    fr_store_close(store);
}
END_TEST

/* The rules come from the database's CREATE TABLE text, not from a list in
 * the code: a schema whose CHECKs differ is judged by its own, in every form
 * the importer reads; a CHECK it cannot read stays SQLite's, and SQLite's
 * refusal is still put at the member, its SQL tidied. */
START_TEST(test_checks_are_read_from_the_schema)
{
    char path[512];
    sqlite3 *db = NULL;
    struct fr_write_result result;

    file_path(path, sizeof(path), "checks.db");
    fr_store_close(open_store(path));
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db,
        "PRAGMA writable_schema = ON;"
        "UPDATE sqlite_schema SET sql = replace(replace(replace(replace(replace(sql,"
        " 'name TEXT NOT NULL,', 'name TEXT NOT NULL CHECK (length(name) > 1),'),"
        " 'abbreviation TEXT,', 'abbreviation TEXT CHECK (length(abbreviation) <= 12 AND "
        "abbreviation NOT GLOB ''*[^A-Z0-9]*'' AND abbreviation GLOB ''[A-Z]*''),'),"
        " 'question_count > 0', 'question_count BETWEEN 10 AND 500'),"
        " 'subject_count_min > 0', 'subject_count_min IN (1, 2, 3)'),"
        " 'description TEXT,', 'description TEXT CHECK (description <>  note' || char(10) ||"
        " '      OR note IS NULL),')"
        " WHERE type = 'table' AND name = 'benchmarks';"
        "UPDATE sqlite_schema SET sql = replace(sql, 'gpu_count > 0',"
        " 'gpu_count >= 8 AND gpu_count <= 1000000')"
        " WHERE type = 'table' AND name = 'cluster_capacities';"
        "PRAGMA writable_schema = OFF;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    struct fr_store *store = open_store(path);
    assert_invalid(store, FR_WRITE_CREATE, "benchmarks", NULL,
        "{\"id\": \"b-1\", \"name\": \"B\", \"abbreviation\": \"ab1\", \"kind\": \"exam\", "
        "\"unit\": \"percent\", \"is_higher_better\": true, \"question_count\": 5, "
        "\"subject_count_min\": 7, " CITE "}",
        "[{\"pointer\": \"/name\", \"detail\": \"must be at least 2 characters long\"},"
        " {\"pointer\": \"/abbreviation\", \"detail\": \"must be at most 12 characters of A-Z "
        "and 0-9, starting with a capital letter\"},"
        " {\"pointer\": \"/question_count\", \"detail\": \"must be from 10 to 500\"},"
        " {\"pointer\": \"/subject_count_min\", \"detail\": \"7 is not allowed: expected one of "
        "1, 2, 3\"}]");
    assert_invalid(store, FR_WRITE_CREATE, "clusters", NULL,
        "{\"id\": \"c\", \"name\": \"C\", \"operator\": \"xai\", \"capacities\": [{\"id\": "
        "\"c-1\", \"gpu_count\": 4, \"status\": \"done\", " CITE "}], " CITE "}",
        "[{\"pointer\": \"/capacities/0/gpu_count\", \"detail\": \"must be at least 8 and at "
        "most 1000000\"}]");

    /* Unreadable (two columns): SQLite refuses the INSERT, in words. */
    static const char benchmark[] =
        "{\"id\": \"b-2\", \"name\": \"BB\", \"abbreviation\": \"B2\", \"kind\": \"exam\", "
        "\"unit\": \"percent\", \"is_higher_better\": true, \"question_count\": 10, "
        "\"subject_count_min\": 1, \"description\": \"same\", ";
    char body[512];
    test_format(body, sizeof(body), "%s\"note\": \"same\", " CITE "}", benchmark);
    assert_invalid(store, FR_WRITE_CREATE, "benchmarks", NULL, body,
                   "[{\"pointer\": \"/description\", \"detail\": \"not allowed: the database "
                   "requires description <> note OR note IS NULL\"}]");
    test_format(body, sizeof(body), "%s\"note\": \"other\", " CITE "}", benchmark);
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "benchmarks", NULL, body, 0, &result),
                     FR_OK);
    fr_write_result_cleanup(&result);
    fr_store_close(store);
}
END_TEST

/* ---- conflicts -------------------------------------------------------------- */

START_TEST(test_conflicts)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    const char *org = "{\"id\": \"xai\", \"name\": \"xAI\", \"kind\": \"ai_lab\", " CITE "}";

    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "organizations", NULL, org, 0, &result),
                     FR_ECONFLICT);
    ck_assert_str_eq(result.problem, "already-exists");
    ck_assert_ptr_null(result.errors);
    ck_assert_ptr_null(result.record);
    fr_write_result_cleanup(&result);

    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "organizations", "xai", org, 2, &result),
                     FR_ECONFLICT);
    ck_assert_str_eq(result.problem, "version-mismatch");
    ck_assert_ptr_null(result.errors);
    fr_write_result_cleanup(&result);
    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "organizations", "xai", NULL, 0, &result),
                     FR_ECONFLICT);
    ck_assert_str_eq(result.problem, "version-mismatch");
    fr_write_result_cleanup(&result);

    ck_assert_int_eq(write_text(store, FR_WRITE_REPLACE, "organizations", "xai-2", org, 1,
                                &result), FR_ENOTFOUND);
    ck_assert_str_eq(result.problem, "not-found");
    fr_write_result_cleanup(&result);
    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "people", "nobody", NULL, 1, &result),
                     FR_ENOTFOUND);
    ck_assert_str_eq(result.problem, "not-found");
    fr_write_result_cleanup(&result);

    /* The path names the record: a body may not name another. */
    assert_invalid(store, FR_WRITE_REPLACE, "organizations", "openai", org,
                   "[{\"pointer\": \"/id\", \"detail\": \"an id cannot change: this record's is "
                   "'openai'\"}]");
    assert_invalid(store, FR_WRITE_REPLACE, "organizations", "openai",
                   "{\"id\": 1, \"name\": \"OpenAI\", \"kind\": \"sect\", \"x\": 1, " CITE "}",
                   "[{\"pointer\": \"/id\", \"detail\": \"an id cannot change: this record's is "
                   "'openai'\"}, {\"pointer\": \"/kind\", \"detail\": \"'sect' is not allowed: "
                   "expected one of ai_lab, technology_company, bank, evaluator, media, "
                   "chip_maker\"}, {\"pointer\": \"/x\", \"detail\": \"unknown field 'x'\"}]");
    fr_store_close(store);
}
END_TEST

/* A record others refer to stays, and the refusal names each of them. */
START_TEST(test_still_referenced)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;

    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "models", "grok-2", NULL, 1, &result),
                     FR_ECONFLICT);
    ck_assert_str_eq(result.problem, "still-referenced");
    assert_json(result.errors, "[{\"pointer\": \"\", \"detail\": \"models record 'grok-4' "
                               "refers to it in 'claims/4/relative_to'\"}]");
    fr_write_result_cleanup(&result);

    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "people", "liu-xiaojie", NULL, 1,
                                &result), FR_ECONFLICT);
    assert_json(result.errors, "[{\"pointer\": \"\", \"detail\": \"sources record "
                               "'yicai-grok4-article' refers to it in 'author'\"}]");
    fr_write_result_cleanup(&result);

    /* Members, children, links, citations and children's citations; not the
     * source's own citation of itself. */
    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "sources", "musk-x-post-2025-04-grok-3-5",
                                NULL, 1, &result), FR_ECONFLICT);
    assert_json(result.errors,
        "[{\"pointer\": \"\", \"detail\": \"events record 'grok-3-5-beta-release' refers to it in 'source'\"},"
        " {\"pointer\": \"\", \"detail\": \"events record 'musk-announces-grok-3-5-beta' refers to it in 'source'\"},"
        " {\"pointer\": \"\", \"detail\": \"events record 'grok-3-5-beta-release' refers to it in 'revisions/0/source'\"},"
        " {\"pointer\": \"\", \"detail\": \"events record 'grok-3-5-beta-release' refers to it in "
        "'revisions/0/citations/0/source'\"},"
        " {\"pointer\": \"\", \"detail\": \"events record 'grok-3-5-beta-release' refers to it in 'citations/0/source'\"},"
        " {\"pointer\": \"\", \"detail\": \"events record 'musk-announces-grok-3-5-beta' refers to it in "
        "'citations/0/source'\"}]");
    fr_write_result_cleanup(&result);

    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "organizations", "x", NULL, 1, &result),
                     FR_ECONFLICT);
    bool link_named = false;
    size_t i;
    json_t *e;
    json_array_foreach(result.errors, i, e) {
        if (strcmp(member_str(e, "detail"),
                   "valuations record 'xai-x-combined-2025-03' refers to it in 'organizations/1'") == 0)
            link_named = true;
    }
    ck_assert(link_named);
    fr_write_result_cleanup(&result);

    /* Once nothing refers to it, it goes, with its children and citations:
     * created again, its tranches' ids and its citations are free. */
    json_t *round = get(store, "funding_rounds", "xai-2025-06-round");
    ck_assert_uint_eq(json_array_size(json_object_get(round, "tranches")), 2);
    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "funding_rounds", "xai-2025-06-round",
                                NULL, 1, &result), FR_OK);
    fr_write_result_cleanup(&result);
    json_t *body = content(round);
    char *text = json_dumps(body, 0);
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "funding_rounds", NULL, text, 0, &result),
                     FR_OK);
    json_t *recreated = content(result.record);
    ck_assert(json_equal(recreated, body));
    fr_write_result_cleanup(&result);
    json_decref(recreated);
    free(text);
    json_decref(body);
    json_decref(round);
    fr_store_close(store);
}
END_TEST

/* ---- Idempotency-Key ------------------------------------------------------- */

static enum fr_status create_with_key(struct fr_store *store, const char *actor, const char *key,
                                      const char *digest, const char *body,
                                      struct fr_write_result *result)
{
    char error[512];
    json_t *record = parse(body);
    struct fr_write w = {.action = FR_WRITE_CREATE, .table = "results", .record = record,
                         .actor = actor, .idempotency_key = key, .request_digest = digest};
    enum fr_status st = fr_store_write(store, &w, result, error, sizeof(error));
    json_decref(record);
    return st;
}

static int query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

START_TEST(test_idempotency_key)
{
    char path[512];
    file_path(path, sizeof(path), "idem.db");
    struct fr_store *store = open_store(path);
    struct fr_write_result first, again;

    ck_assert_int_eq(create_with_key(store, "alice", "k-1", "d-1", RESULT_BODY, &first), FR_OK);
    ck_assert(!first.replayed);

    /* The retry replays the first result and writes nothing. */
    ck_assert_int_eq(create_with_key(store, "alice", "k-1", "d-1", RESULT_BODY, &again), FR_OK);
    ck_assert(again.replayed);
    ck_assert(json_equal(again.record, first.record));
    ck_assert_int_eq(again.version, 1);
    ck_assert_int_eq(again.change, first.change);
    fr_write_result_cleanup(&again);
    json_t *log = changes(store, 0, 10);
    ck_assert_uint_eq(json_array_size(log), 1);
    json_decref(log);

    /* The key with another request is refused. */
    ck_assert_int_eq(create_with_key(store, "alice", "k-1", "d-2", RESULT_BODY, &again),
                     FR_ECONFLICT);
    ck_assert_str_eq(again.problem, "idempotency-key-reused");
    ck_assert_ptr_null(again.record);
    fr_write_result_cleanup(&again);

    /* Keys are the actor's own: bob's k-1 is a new request. */
    ck_assert_int_eq(create_with_key(store, "bob", "k-1", "d-1", RESULT_BODY, &again),
                     FR_ECONFLICT);
    ck_assert_str_eq(again.problem, "already-exists");
    fr_write_result_cleanup(&again);

    /* A refused create keeps no key: the corrected retry goes through. */
    ck_assert_int_eq(create_with_key(store, "bob", "k-2", "d-3", "{\"id\": \"r-2\"}", &again),
                     FR_EINVAL);
    fr_write_result_cleanup(&again);
    char body[2048];
    test_format(body, sizeof(body), "%s", RESULT_BODY);
    memcpy(strstr(body, "grok-4-test-result"), "grok-4-test-resul2", 18);
    ck_assert_int_eq(create_with_key(store, "bob", "k-2", "d-4", body, &again), FR_OK);
    ck_assert(!again.replayed);
    fr_write_result_cleanup(&again);

    /* A day later the key is forgotten (deleted by the next write). */
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM idempotency_keys"), 2);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE idempotency_keys SET created_at = "
                                      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-25 hours') "
                                      "WHERE actor = 'alice'", NULL, NULL, NULL), SQLITE_OK);
    memcpy(strstr(body, "grok-4-test-resul2"), "grok-4-test-resul3", 18);
    ck_assert_int_eq(create_with_key(store, "alice", "k-1", "d-5", body, &again), FR_OK);
    ck_assert(!again.replayed);
    fr_write_result_cleanup(&again);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM idempotency_keys"), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM idempotency_keys "
                                   "WHERE actor = 'alice' AND request_digest = 'd-5'"), 1);
    sqlite3_close(db);

    fr_write_result_cleanup(&first);
    fr_store_close(store);
}
END_TEST

/* ---- refusals change nothing ----------------------------------------------- */

/* No transaction or statement of the store's is left open: another
 * connection can write and checkpoint the whole WAL. */
static void assert_unlocked(const char *path)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE; COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &stmt, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(stmt, 0), 0); /* not busy */
    sqlite3_finalize(stmt);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
    sqlite3_close(db);
}

START_TEST(test_refused_writes_change_nothing)
{
    char path[512];
    file_path(path, sizeof(path), "refused.db");
    struct fr_store *store = open_store(path);
    struct fr_write_result result;
    json_t *before = load(store);
    assert_unlocked(path);

    /* A replace deletes the old rows before it finds the new ones bad. */
    static const struct {
        enum fr_write_action action;
        const char *table, *id, *body;
        long long version;
        enum fr_status expected;
    } cases[] = {
        {FR_WRITE_REPLACE, "models", "grok-4", "{\"name\": 1, " CITE "}", 1, FR_EINVAL},
        {FR_WRITE_REPLACE, "models", "grok-4", "{\"name\": \"G\", \"organization\": \"xai\", "
         "\"kind\": \"language_model\", \"status\": \"released\", \"claims\": [{\"id\": "
         "\"grok-2-x\", \"kind\": \"lie\", \"statement\": \"s\", " CITE "}], " CITE "}", 1,
         FR_EINVAL},
        {FR_WRITE_REPLACE, "models", "grok-4", "{\"name\": \"G\", " CITE "}", 3, FR_ECONFLICT},
        {FR_WRITE_CREATE, "results", NULL, "{\"id\": \"r\", \"model\": \"grok-9\", " CITE "}", 0,
         FR_EINVAL},
        {FR_WRITE_CREATE, "organizations", NULL, "{\"id\": \"xai\", \"name\": \"x\", \"kind\": "
         "\"ai_lab\", " CITE "}", 0, FR_ECONFLICT},
        {FR_WRITE_DELETE, "organizations", "xai", NULL, 1, FR_ECONFLICT},
        {FR_WRITE_DELETE, "sources", "yicai-grok4-article", NULL, 1, FR_ECONFLICT},
        {FR_WRITE_DELETE, "events", "xai-founded", NULL, 2, FR_ECONFLICT},
        {FR_WRITE_DELETE, "events", "no-such-event", NULL, 1, FR_ENOTFOUND},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum fr_status st = write_text(store, cases[i].action, cases[i].table, cases[i].id,
                                       cases[i].body, cases[i].version, &result);
        ck_assert_msg(st == cases[i].expected, "case %zu: %d", i, st);
        ck_assert_ptr_null(result.record);
        fr_write_result_cleanup(&result);
        assert_unlocked(path);
        json_t *after = load(store);
        ck_assert_msg(json_equal(before, after), "case %zu changed the database", i);
        json_decref(after);
    }
    json_t *log = changes(store, 0, 10);
    ck_assert_uint_eq(json_array_size(log), 0);
    json_decref(log);

    /* A write that succeeds leaves nothing open either, and it lasts. */
    ck_assert_int_eq(write_text(store, FR_WRITE_CREATE, "results", NULL, RESULT_BODY, 0, &result),
                     FR_OK);
    json_t *created = json_incref(result.record);
    fr_write_result_cleanup(&result);
    assert_unlocked(path);
    fr_store_close(store);

    store = open_store(path);
    json_t *again = get(store, "results", "grok-4-test-result");
    ck_assert(json_equal(again, created));
    log = changes(store, 0, 10);
    ck_assert_uint_eq(json_array_size(log), 1);
    ck_assert(json_equal(json_object_get(json_array_get(log, 0), "new"), created));
    json_decref(log);
    json_decref(again);
    json_decref(created);
    json_decref(before);
    fr_store_close(store);
}
END_TEST

/* Calls the API must not make are refused without touching anything. */
START_TEST(test_bad_calls)
{
    struct fr_store *store = open_memory();
    struct fr_write_result result;
    char error[256];
    json_t *body = parse("{\"id\": \"p\"}");
    struct fr_write calls[] = {
        {.action = FR_WRITE_CREATE, .table = "model_claims", .record = body, .actor = "a"},
        {.action = FR_WRITE_CREATE, .table = "nothing", .record = body, .actor = "a"},
        {.action = FR_WRITE_CREATE, .table = "people", .record = body, .actor = NULL},
        {.action = FR_WRITE_CREATE, .table = "people", .record = NULL, .actor = "a"},
        {.action = FR_WRITE_DELETE, .table = "people", .id = NULL, .actor = "a"},
        {.action = (enum fr_write_action)9, .table = "people", .id = "x", .actor = "a"},
    };
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        error[0] = '\0';
        ck_assert_int_eq(fr_store_write(store, &calls[i], &result, error, sizeof(error)),
                         FR_EINVAL);
        ck_assert_ptr_null(result.problem);
        ck_assert_ptr_null(result.errors);
        ck_assert_msg(error[0] != '\0', "call %zu has no reason", i);
        fr_write_result_cleanup(&result);
    }
    json_decref(body);
    fr_store_close(store);
}
END_TEST

/* ---- migration 3 ------------------------------------------------------------ */

START_TEST(test_migration_3_gives_revisions)
{
    char path[512], error[512];
    sqlite3 *db = NULL;
    struct fr_store *store = NULL;

    file_path(path, sizeof(path), "v2.db");
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    for (size_t m = 0; m < 2; m++) {
        for (const char *const *sql = fr_store_migration(m); *sql; sql++)
            ck_assert_int_eq(sqlite3_exec(db, *sql, NULL, NULL, NULL), SQLITE_OK);
    }
    ck_assert_int_eq(sqlite3_exec(db,
        "INSERT INTO organizations (id, name, kind) VALUES ('xai', 'xAI', 'ai_lab');"
        "INSERT INTO people (id, name, role, organization) VALUES ('elon-musk', 'Elon Musk', "
        "'founder', 'xai');"
        "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    ck_assert_int_eq(fr_store_open(path, "no-such-seed-dir", &store, error, sizeof(error)), FR_OK);
    ck_assert_int_eq(fr_store_schema_version(store), 3);
    json_t *org = get(store, "organizations", "xai");
    json_t *person = get(store, "people", "elon-musk");
    ck_assert_int_eq(member_int(org, "version"), 1);
    ck_assert(is_time(member_str(org, "recorded_at")));
    ck_assert_str_eq(member_str(org, "updated_at"), member_str(org, "recorded_at"));
    ck_assert_str_eq(member_str(person, "recorded_at"), member_str(org, "recorded_at"));
    ck_assert_str_ne(member_str(org, "recorded_at"), SEED_TIME);
    ck_assert_str_eq(member_str(person, "organization"), "xai");

    /* And they can be written. */
    struct fr_write_result result;
    ck_assert_int_eq(write_text(store, FR_WRITE_DELETE, "people", "elon-musk", NULL, 1, &result),
                     FR_OK);
    fr_write_result_cleanup(&result);
    json_t *log = changes(store, 0, 10);
    ck_assert_uint_eq(json_array_size(log), 1);
    ck_assert(json_equal(json_object_get(json_array_get(log, 0), "old"), person));
    json_decref(log);
    json_decref(org);
    json_decref(person);
    fr_store_close(store);
}
END_TEST

static Suite *write_suite(void)
{
    Suite *s = suite_create("write");
    TCase *tc = tcase_create("write");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_create_replace_delete);
    tcase_add_test(tc, test_replace_keeps_recorded_at);
    tcase_add_test(tc, test_noop_replace);
    tcase_add_test(tc, test_get_matches_load);
    tcase_add_test(tc, test_every_problem_is_listed);
    tcase_add_test(tc, test_read_only_and_derived_members);
    tcase_add_test(tc, test_citations_are_required);
    tcase_add_test(tc, test_unknown_references);
    tcase_add_test(tc, test_database_rules_listed_at_once);
    tcase_add_test(tc, test_each_check_form);
    tcase_add_test(tc, test_database_rules_in_children);
    tcase_add_test(tc, test_checks_are_read_from_the_schema);
    tcase_add_test(tc, test_conflicts);
    tcase_add_test(tc, test_still_referenced);
    tcase_add_test(tc, test_idempotency_key);
    tcase_add_test(tc, test_refused_writes_change_nothing);
    tcase_add_test(tc, test_bad_calls);
    tcase_add_test(tc, test_migration_3_gives_revisions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(write_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
