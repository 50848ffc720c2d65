/*
 * The store: migrations, the seed import and its validation, and refusing
 * databases it must not touch (corrupt, newer, foreign) without changing them.
 */
#include <check.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontier/store.h"
#include "support.h"

static char tmpdir[256];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "frontier-store");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return data;
}

static void write_all(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* The integer the first row of `sql` holds, or -1. */
static int query_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static int table_count(const char *path)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    int n = query_count(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
    sqlite3_close(db);
    return n;
}

static struct fr_store *open_memory(void)
{
    struct fr_store *store = NULL;
    char error[1024] = "";
    enum fr_status st = fr_store_open(":memory:", test_seed_dir(), &store, error, sizeof(error));
    ck_assert_msg(st == FR_OK, "open failed: %s", error);
    return store;
}

/* ---- migrations and the seed ------------------------------------------ */

START_TEST(test_new_database_gets_schema_and_seed)
{
    struct fr_store *store = open_memory();
    json_t *data = NULL;
    char error[1024] = "";

    ck_assert_int_eq(fr_store_schema_version(store), (int)fr_store_migration_count());
    ck_assert_int_eq(fr_store_load(store, &data, error, sizeof(error)), FR_OK);
    for (const char *const *t = fr_store_tables(); *t; t++)
        ck_assert_msg(json_array_size(json_object_get(data, *t)) > 0, "table %s is empty", *t);

    /* Children and links come back nested where the seed put them. */
    json_t *models = json_object_get(data, "models");
    size_t i;
    json_t *m;
    bool found = false;
    json_array_foreach(models, i, m) {
        if (strcmp(json_string_value(json_object_get(m, "id")), "grok-4") != 0)
            continue;
        found = true;
        ck_assert_uint_gt(json_array_size(json_object_get(m, "claims")), 0);
        ck_assert_uint_gt(json_array_size(json_object_get(m, "plans")), 0);
        ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(m, "claims"), 0),
                                           "model")); /* implied by the parent */
        ck_assert_uint_gt(json_array_size(json_object_get(m, "citations")), 0);
    }
    ck_assert(found);
    json_decref(data);
    fr_store_close(store);
}
END_TEST

START_TEST(test_file_database_is_created_once)
{
    char path[512], error[1024] = "";
    struct fr_store *store = NULL;
    json_t *first = NULL, *second = NULL;

    tmp_path(path, sizeof(path), "frontier.db");
    ck_assert_int_eq(fr_store_open(path, test_seed_dir(), &store, error, sizeof(error)), FR_OK);
    ck_assert_int_eq(fr_store_load(store, &first, error, sizeof(error)), FR_OK);
    fr_store_close(store);

    /* Opening again neither migrates nor imports a second time. */
    ck_assert_int_eq(fr_store_open(path, "no-such-seed-dir", &store, error, sizeof(error)),
                     FR_OK);
    ck_assert_int_eq(fr_store_load(store, &second, error, sizeof(error)), FR_OK);
    ck_assert(json_equal(first, second));
    ck_assert_int_eq(fr_store_schema_version(store), (int)fr_store_migration_count());
    fr_store_close(store);
    json_decref(first);
    json_decref(second);
}
END_TEST

/* ---- refusing what must not be touched -------------------------------- */

START_TEST(test_older_schema_is_migrated_in_place)
{
    char path[512], error[1024] = "";
    sqlite3 *db = NULL;
    struct fr_store *store = NULL;

    /* A database as the first schema left it, holding one record. */
    tmp_path(path, sizeof(path), "v1.db");
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    for (const char *const *sql = fr_store_migration(0); *sql; sql++)
        ck_assert_int_eq(sqlite3_exec(db, *sql, NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO organizations (id, name, kind) VALUES ('xai', 'xAI', 'ai_lab');"
                                      "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    /* Opening it runs the later migrations and imports nothing. */
    ck_assert_int_eq(fr_store_open(path, "no-such-seed-dir", &store, error, sizeof(error)),
                     FR_OK);
    ck_assert_int_eq(fr_store_schema_version(store), (int)fr_store_migration_count());
    fr_store_close(store);

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(query_count(db, "SELECT count(*) FROM organizations WHERE id = 'xai'"), 1);
    ck_assert_int_eq(query_count(db, "SELECT count(*) FROM sqlite_master "
                                     "WHERE type = 'index' AND name = 'citations_by_source'"), 1);
    sqlite3_close(db);
}
END_TEST

/* Every foreign-key column leads some index, so that checking a deferred key
 * (and a large import) never scans the child table. */
START_TEST(test_every_foreign_key_is_indexed)
{
    char path[512], error[1024] = "";
    struct fr_store *store = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    tmp_path(path, sizeof(path), "indexed.db");
    ck_assert_int_eq(fr_store_open(path, test_seed_dir(), &store, error, sizeof(error)), FR_OK);
    fr_store_close(store);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db,
        "SELECT t.name, k.\"from\" FROM sqlite_master t, pragma_foreign_key_list(t.name) k "
        "WHERE t.type = 'table' AND NOT EXISTS ("
        "  SELECT 1 FROM pragma_index_list(t.name) l, pragma_index_info(l.name) c "
        "  WHERE c.seqno = 0 AND c.name = k.\"from\")", -1, &stmt, NULL), SQLITE_OK);
    int foreign_keys = query_count(db, "SELECT count(*) FROM sqlite_master t, "
                                       "pragma_foreign_key_list(t.name) WHERE t.type = 'table'");
    ck_assert_int_gt(foreign_keys, 30);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        ck_abort_msg("%s.%s has no index", sqlite3_column_text(stmt, 0),
                     sqlite3_column_text(stmt, 1));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_corrupt_file_is_refused_and_untouched)
{
    char path[512], error[1024] = "";
    struct fr_store *store = NULL;
    char garbage[8192];
    for (size_t i = 0; i < sizeof(garbage); i++)
        garbage[i] = (char)(i * 31 + 7);
    tmp_path(path, sizeof(path), "corrupt.db");
    write_all(path, garbage, sizeof(garbage));

    ck_assert_int_eq(fr_store_open(path, test_seed_dir(), &store, error, sizeof(error)), FR_EDB);
    ck_assert_ptr_null(store);
    ck_assert_msg(strstr(error, "cannot read database") && strstr(error, path), "%s", error);

    size_t len;
    char *after = read_all(path, &len);
    ck_assert_uint_eq(len, sizeof(garbage));
    ck_assert_int_eq(memcmp(after, garbage, len), 0);
    free(after);
}
END_TEST

START_TEST(test_newer_schema_is_refused_and_untouched)
{
    char path[512], error[1024] = "";
    struct fr_store *store = NULL;
    sqlite3 *db = NULL;
    tmp_path(path, sizeof(path), "newer.db");
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE future (x); PRAGMA user_version = 99",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    size_t len_before, len_after;
    char *before = read_all(path, &len_before);

    ck_assert_int_eq(fr_store_open(path, test_seed_dir(), &store, error, sizeof(error)),
                     FR_ESCHEMA);
    ck_assert_msg(strstr(error, "schema version 99") && strstr(error, "newer"), "%s", error);

    char *after = read_all(path, &len_after);
    ck_assert_uint_eq(len_before, len_after);
    ck_assert_int_eq(memcmp(before, after, len_after), 0);
    free(before);
    free(after);
}
END_TEST

START_TEST(test_foreign_database_is_refused)
{
    char path[512], error[1024] = "";
    struct fr_store *store = NULL;
    sqlite3 *db = NULL;
    tmp_path(path, sizeof(path), "foreign.db");
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE notes (body TEXT)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    ck_assert_int_eq(fr_store_open(path, test_seed_dir(), &store, error, sizeof(error)),
                     FR_ESCHEMA);
    ck_assert_msg(strstr(error, "no frontier schema version"), "%s", error);
    ck_assert_int_eq(table_count(path), 1);
}
END_TEST

START_TEST(test_unopenable_paths_fail_clearly)
{
    char path[512], error[1024] = "";
    struct fr_store *store = NULL;

    tmp_path(path, sizeof(path), "missing-dir/frontier.db");
    ck_assert_int_eq(fr_store_open(path, test_seed_dir(), &store, error, sizeof(error)), FR_EDB);
    ck_assert_msg(strstr(error, "cannot open database") && strstr(error, path), "%s", error);

    /* A directory is no database, whoever runs the test (root reads anything). */
    error[0] = '\0';
    ck_assert_int_ne(fr_store_open(tmpdir, test_seed_dir(), &store, error, sizeof(error)), FR_OK);
    ck_assert_ptr_null(store);
    ck_assert_msg(strstr(error, tmpdir), "%s", error);
}
END_TEST

/* Writes the seed's table files into dir, the last result changed to cite a
 * missing model when break_results is set, and dataset.json holding
 * dataset (none when NULL). */
static void seed_copy(const char *dir, bool break_results, const char *dataset)
{
    char src[512], dst[512];
    for (const char *const *t = fr_store_tables(); *t; t++) {
        snprintf(src, sizeof(src), "%s/%s.json", test_seed_dir(), *t);
        snprintf(dst, sizeof(dst), "%s/%s.json", dir, *t);
        json_t *records = json_load_file(src, 0, NULL);
        ck_assert_ptr_nonnull(records);
        if (break_results && strcmp(*t, "results") == 0)
            json_object_set_new(json_array_get(records, json_array_size(records) - 1), "model",
                                json_string("no-such-model"));
        ck_assert_int_eq(json_dump_file(records, dst, JSON_INDENT(2)), 0);
        json_decref(records);
    }
    snprintf(dst, sizeof(dst), "%s/dataset.json", dir);
    unlink(dst);
    if (dataset)
        write_all(dst, dataset, strlen(dataset));
}

/* A seed that fails half-way leaves no half-imported database behind. */
START_TEST(test_failed_seed_leaves_database_empty)
{
    char path[512], dst[512], error[1024] = "";
    struct fr_store *store = NULL;

    seed_copy(tmpdir, true, "{\"recorded_at\": \"2026-11-28T21:09:35.000Z\"}");
    tmp_path(path, sizeof(path), "half.db");
    ck_assert_int_eq(fr_store_open(path, tmpdir, &store, error, sizeof(error)), FR_EINVAL);
    ck_assert_msg(strstr(error, "results") && strstr(error, "models") &&
                      strstr(error, "missing record"), "%s", error);
    ck_assert_int_eq(table_count(path), 0);

    /* A missing seed file is named. */
    snprintf(dst, sizeof(dst), "%s/events.json", tmpdir);
    unlink(dst);
    unlink(path);
    ck_assert_int_eq(fr_store_open(path, tmpdir, &store, error, sizeof(error)), FR_EINVAL);
    ck_assert_msg(strstr(error, "events.json"), "%s", error);
    ck_assert_int_eq(table_count(path), 0);
}
END_TEST

/* dataset.json says when the seed's records were recorded: without it, or
 * with anything but a time as the store writes them, the seed is refused
 * and the file named. */
START_TEST(test_seed_needs_its_recorded_time)
{
    static const struct {
        const char *dataset; /* NULL: no file */
        const char *expected;
    } cases[] = {
        {NULL, "No such file"},
        {"[]", "expected an object"},
        {"{\"recorded_at\": \"2026-11-28T21:09:35.000Z\", \"by\": \"me\"}",
         "unknown member 'by'"},
        {"{\"note\": \"no time\"}", "'recorded_at' must be"},
        {"{\"recorded_at\": 1764364175}", "'recorded_at' must be"},
        {"{\"recorded_at\": \"2026-11-28T21:09:35Z\"}", "'recorded_at' must be"},
        {"{\"recorded_at\": \"2026-11-28 21:09:35.000\"}", "'recorded_at' must be"},
        {"{\"recorded_at\": \"2026-02-30T21:09:35.000Z\"}", "'recorded_at' must be"},
        {"{\"recorded_at\": \"2026-11-28T21:09:35.000+01:00\"}", "'recorded_at' must be"},
        {"{\"recorded_at\": \"2026-11-28T21:09:35.000Z\"", "dataset.json line 1"},
    };
    char path[512], error[1024];
    struct fr_store *store = NULL;

    tmp_path(path, sizeof(path), "dataset.db");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seed_copy(tmpdir, false, cases[i].dataset);
        error[0] = '\0';
        ck_assert_int_eq(fr_store_open(path, tmpdir, &store, error, sizeof(error)), FR_EINVAL);
        ck_assert_ptr_null(store);
        ck_assert_msg(strstr(error, "dataset.json") && strstr(error, cases[i].expected),
                      "case %zu: %s", i, error);
        ck_assert_int_eq(table_count(path), 0);
        unlink(path);
    }

    /* Every imported record carries the time, as recorded_at and updated_at. */
    seed_copy(tmpdir, false, "{\"recorded_at\": \"2025-07-11T08:00:00.250Z\", \"note\": \"n\"}");
    ck_assert_int_eq(fr_store_open(path, tmpdir, &store, error, sizeof(error)), FR_OK);
    json_t *data = NULL;
    ck_assert_int_eq(fr_store_load(store, &data, error, sizeof(error)), FR_OK);
    size_t records = 0;
    for (const char *const *t = fr_store_tables(); *t; t++) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(data, *t), i, r) {
            ck_assert_int_eq(json_integer_value(json_object_get(r, "version")), 1);
            ck_assert_str_eq(json_string_value(json_object_get(r, "recorded_at")),
                             "2025-07-11T08:00:00.250Z");
            ck_assert_str_eq(json_string_value(json_object_get(r, "updated_at")),
                             "2025-07-11T08:00:00.250Z");
            records++;
        }
    }
    ck_assert_uint_gt(records, 50);
    json_decref(data);
    fr_store_close(store);
}
END_TEST

/* ---- validation of imported records ----------------------------------- */

struct bad_record {
    const char *table;
    const char *json;
    const char *expected; /* a substring of the message */
};

static const char cite[] =
    "\"citations\": [{\"source\": \"yicai-grok4-article\", \"quote\": \"x\"}]";

/* Replaces each CITE in text with a valid citation list. */
static void expand_citations(const char *text, char *out, size_t size)
{
    size_t used = 0;
    while (*text && used + 1 < size) {
        if (strncmp(text, "CITE", 4) == 0) {
            size_t n = strlen(cite);
            ck_assert_uint_lt(used + n, size);
            memcpy(out + used, cite, n);
            used += n;
            text += 4;
        } else {
            out[used++] = *text++;
        }
    }
    out[used] = '\0';
}

START_TEST(test_invalid_records_are_refused)
{
    char json[2048];
    static const struct bad_record cases[] = {
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", "
                          "\"bogus\": 1, CITE}", "/0/bogus: unknown field 'bogus'"},
        {"organizations", "{\"id\": \"acme\", \"name\": 5, \"kind\": \"ai_lab\", CITE}",
         "/0/name: expected a string"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"cult\", CITE}",
         "organizations: /0/kind: 'cult' is not allowed: expected one of ai_lab, "
         "technology_company, bank, evaluator, media, chip_maker"},
        {"organizations", "{\"id\": \"Acme Corp\", \"name\": \"Acme\", \"kind\": \"ai_lab\", CITE}",
         "organizations: /0/id: must be 1 to 64 characters of a-z, 0-9 and '-', starting with a "
         "lower-case letter or a digit"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", "
                          "\"country\": \"usa\", CITE}",
         "organizations: /0/country: must be 2 characters long"},
        {"clusters", "{\"id\": \"c\", \"name\": \"C\", \"operator\": \"xai\", "
                     "\"capacities\": [{\"id\": \"c-1\", \"gpu_count\": 0, "
                     "\"status\": \"done\", CITE}], CITE}",
         "clusters: /0/capacities/0/gpu_count: must be greater than 0"},
        {"organizations", "{\"name\": \"Acme\", \"kind\": \"ai_lab\", CITE}", "needs a string 'id'"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", "
                          "\"founded\": {\"value\": \"2023-13\", \"precision\": \"month\"}, CITE}",
         "/0/founded: invalid date"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", "
                          "\"founded\": {\"value\": \"2023-07\", \"precision\": \"day\"}, CITE}",
         "invalid date"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", "
                          "\"founded\": \"2023-07-01\", CITE}", "expected a date object"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\"}",
         "'citations' must be a non-empty array"},
        {"organizations", "{\"id\": \"acme\", \"name\": \"Acme\", \"kind\": \"ai_lab\", "
                          "\"citations\": [{\"source\": \"yicai-grok4-article\"}]}",
         "non-empty 'quote'"},
        {"organizations", "{\"id\": \"xai\", \"name\": \"Again\", \"kind\": \"ai_lab\", CITE}",
         "already exists"},
        {"funding_totals", "{\"id\": \"t\", \"organization\": \"xai\", "
                           "\"since\": {\"value\": \"2024\", \"precision\": \"year\"}, "
                           "\"as_of\": {\"value\": \"2025\", \"precision\": \"year\"}, "
                           "\"amount\": {\"amount_minor\": 1.5, \"currency\": \"USD\"}, "
                           "\"basis\": \"reported\", CITE}", "never a float"},
        {"funding_totals", "{\"id\": \"t\", \"organization\": \"xai\", "
                           "\"since\": {\"value\": \"2024\", \"precision\": \"year\"}, "
                           "\"as_of\": {\"value\": \"2025\", \"precision\": \"year\"}, "
                           "\"amount\": {\"amount_minor\": -100, \"currency\": \"USD\"}, "
                           "\"basis\": \"reported\", CITE}", "/0/amount: invalid money"},
        {"funding_totals", "{\"id\": \"t\", \"organization\": \"xai\", "
                           "\"since\": {\"value\": \"2024\", \"precision\": \"year\"}, "
                           "\"as_of\": {\"value\": \"2025\", \"precision\": \"year\"}, "
                           "\"amount\": {\"amount_minor\": 100, \"currency\": \"XYZ\"}, "
                           "\"basis\": \"reported\", CITE}", "invalid money"},
        {"results", "{\"id\": \"r\", \"model\": \"no-such-model\", \"benchmark\": "
                    "\"humanitys-last-exam\", \"score\": 1, \"evaluator\": \"xai\", "
                    "\"evaluator_relationship\": \"first_party\", \"tools\": \"none\", "
                    "\"known_since\": {\"value\": \"2025\", \"precision\": \"year\"}, "
                    "\"source\": \"yicai-grok4-article\", CITE}", "FOREIGN KEY"},
        {"results", "{\"id\": \"r\", \"model\": \"grok-4\", \"benchmark\": "
                    "\"humanitys-last-exam\", \"score\": \"high\", \"evaluator\": \"xai\", "
                    "\"evaluator_relationship\": \"first_party\", \"tools\": \"none\", "
                    "\"known_since\": {\"value\": \"2025\", \"precision\": \"year\"}, "
                    "\"source\": \"yicai-grok4-article\", CITE}", "/0/score: expected a number"},
        {"models", "{\"id\": \"m\", \"name\": \"M\", \"organization\": \"xai\", "
                   "\"kind\": \"language_model\", \"status\": \"planned\", "
                   "\"claims\": [{\"id\": \"c\", \"model\": \"m\", \"kind\": \"statement\", "
                   "\"statement\": \"s\", CITE}], CITE}", "/0/claims/0/model: 'model' is implied"},
        {"valuations", "{\"id\": \"v\", \"date\": {\"value\": \"2025\", \"precision\": "
                       "\"year\"}, \"amount\": {\"amount_minor\": 1, \"currency\": \"USD\"}, "
                       "\"basis\": \"reported\", \"organizations\": [\"xai\", 7], CITE}",
         "/0/organizations/1: expected an id string"},
        {"nothing", "{}", "no top-level table named 'nothing'"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fr_store *store = open_memory();
        char error[1024] = "";
        expand_citations(cases[i].json, json, sizeof(json));
        json_t *one = json_loads(json, 0, NULL);
        ck_assert_msg(one != NULL, "case %zu is not JSON: %s", i, json);
        json_t *records = json_pack("[o]", one);
        enum fr_status st =
            fr_store_import_records(store, cases[i].table, records, error, sizeof(error));
        ck_assert_msg(st != FR_OK, "case %zu was accepted: %s", i, json);
        ck_assert_msg(strstr(error, cases[i].expected), "case %zu: '%s' lacks '%s'", i, error,
                      cases[i].expected);
        json_decref(records);
        fr_store_close(store);
    }
}
END_TEST

START_TEST(test_valid_record_is_imported)
{
    struct fr_store *store = open_memory();
    char error[1024] = "";
    json_t *records = json_pack(
        "[{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:s}]}]", "id", "acme", "name",
        "Acme", "kind", "ai_lab", "founded", "value", "2025-05", "precision", "month",
        "qualifier", "mid", "citations", "source", "yicai-grok4-article", "quoted_in",
        "yicai-grok4-article", "quote", "x");
    ck_assert_int_eq(fr_store_import_records(store, "organizations", records, error,
                                             sizeof(error)), FR_OK);
    json_t *data = NULL;
    ck_assert_int_eq(fr_store_load(store, &data, error, sizeof(error)), FR_OK);
    size_t i;
    json_t *org;
    bool found = false;
    json_array_foreach(json_object_get(data, "organizations"), i, org) {
        if (strcmp(json_string_value(json_object_get(org, "id")), "acme") != 0)
            continue;
        found = true;
        json_t *founded = json_object_get(org, "founded");
        ck_assert_str_eq(json_string_value(json_object_get(founded, "value")), "2025-05");
        ck_assert_str_eq(json_string_value(json_object_get(founded, "qualifier")), "mid");
        ck_assert(json_is_null(json_object_get(org, "country")));
    }
    ck_assert(found);
    json_decref(data);
    json_decref(records);
    fr_store_close(store);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_new_database_gets_schema_and_seed);
    tcase_add_test(tc, test_file_database_is_created_once);
    tcase_add_test(tc, test_older_schema_is_migrated_in_place);
    tcase_add_test(tc, test_every_foreign_key_is_indexed);
    tcase_add_test(tc, test_corrupt_file_is_refused_and_untouched);
    tcase_add_test(tc, test_newer_schema_is_refused_and_untouched);
    tcase_add_test(tc, test_foreign_database_is_refused);
    tcase_add_test(tc, test_unopenable_paths_fail_clearly);
    tcase_add_test(tc, test_failed_seed_leaves_database_empty);
    tcase_add_test(tc, test_seed_needs_its_recorded_time);
    tcase_add_test(tc, test_invalid_records_are_refused);
    tcase_add_test(tc, test_valid_record_is_imported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(store_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
