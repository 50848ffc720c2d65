/*
 * Opening the database safely. A new database gets the schema and the seed in
 * one transaction, so it is either complete or empty. A database this build
 * cannot use is refused before anything is written to it: unreadable files,
 * files that are not SQLite databases, schemas newer than ours, and
 * databases with tables but no version of ours.
 */
#include "frontier/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "schema.h"

static const char *const top_level_tables[] = {
    "organizations", "people", "sources", "models", "benchmarks", "results",
    "funding_rounds", "funding_totals", "valuations", "financials", "clusters",
    "events", NULL,
};

const char *const *fr_store_tables(void)
{
    return top_level_tables;
}

int fr_store_schema_version(const struct fr_store *store)
{
    return store->version;
}

static enum fr_status exec(sqlite3 *db, const char *sql, const char *what, char *error,
                           size_t error_size)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        snprintf(error, error_size, "%s: %s", what, message ? message : sqlite3_errmsg(db));
        sqlite3_free(message);
        return FR_EDB;
    }
    return FR_OK;
}

/* Runs a query that yields one integer. */
static enum fr_status query_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_EDB;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        *out = sqlite3_column_int(stmt, 0);
        status = FR_OK;
    }
    sqlite3_finalize(stmt);
    return status;
}

static enum fr_status read_file(const char *path, json_t **out, char *error, size_t error_size)
{
    json_error_t jerr;
    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!*out) {
        if (jerr.line < 0 || jerr.position == 0) /* jansson could not open the file */
            snprintf(error, error_size, "seed file %s: %s", path, jerr.text);
        else
            snprintf(error, error_size, "seed file %s line %d column %d: %s", path,
                     jerr.line, jerr.column, jerr.text);
        return FR_EINVAL;
    }
    return FR_OK;
}

/* Gives every record of the top-level table without a revision one: version
 * 1, recorded and updated at `at` (an RFC 3339 time), or now when at is NULL. */
static enum fr_status revisions_fill(struct fr_store *store, const char *table, const char *at,
                                     char *error, size_t error_size)
{
    char sql[512];
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    snprintf(sql, sizeof(sql),
             "INSERT INTO revisions (record_table, record_id, version, recorded_at, updated_at) "
             "SELECT ?1, id, 1, at, at FROM %s, "
             "(SELECT coalesce(?2, strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now')) AS at) "
             "WHERE NOT EXISTS (SELECT 1 FROM revisions r "
             "WHERE r.record_table = ?1 AND r.record_id = %s.id)", table, table);
    if (schema_cache_statement(store->cache, sql, &stmt) != FR_OK) {
        snprintf(error, error_size, "recording the revisions of %s: %s", table,
                 sqlite3_errmsg(store->db));
        return FR_EDB;
    }
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    if (at)
        sqlite3_bind_text(stmt, 2, at, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        snprintf(error, error_size, "recording the revisions of %s: %s", table,
                 sqlite3_errmsg(store->db));
        status = FR_EDB;
    }
    sqlite3_reset(stmt);
    return status;
}

/* Whether text is a time exactly as the store writes them (RFC 3339 UTC with
 * milliseconds): SQLite reads it and writes it back unchanged. The trip
 * through a Julian day number turns an impossible date (30 February) into
 * another one, so that it does not come back unchanged. */
static bool is_store_time(struct fr_store *store, const char *text)
{
    static const char sql[] = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', julianday(?1)) IS ?1";
    sqlite3_stmt *stmt = NULL;
    bool ok = false;
    if (strlen(text) == 24 && schema_cache_statement(store->cache, sql, &stmt) == FR_OK) {
        sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
        ok = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1;
        sqlite3_reset(stmt);
    }
    return ok;
}

/* Reads when the seed's records were recorded from its dataset.json
 * ({"recorded_at": "...", "note": "..."}) into recorded_at. */
static enum fr_status read_dataset(struct fr_store *store, const char *seed_dir,
                                   char *recorded_at, size_t size, char *error,
                                   size_t error_size)
{
    char path[4096];
    json_t *dataset = NULL;
    const char *key;
    json_t *value;
    int n = snprintf(path, sizeof(path), "%s/dataset.json", seed_dir);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        snprintf(error, error_size, "seed directory path is too long");
        return FR_EINVAL;
    }
    enum fr_status status = read_file(path, &dataset, error, error_size);
    if (status != FR_OK)
        return status;
    status = FR_EINVAL;
    if (!json_is_object(dataset)) {
        snprintf(error, error_size, "seed file %s: expected an object {\"recorded_at\": ...}",
                 path);
        goto out;
    }
    json_object_foreach(dataset, key, value) {
        if (strcmp(key, "recorded_at") != 0 && strcmp(key, "note") != 0) {
            snprintf(error, error_size,
                     "seed file %s: unknown member '%s' (expected recorded_at, note)", path, key);
            goto out;
        }
    }
    const char *at = json_string_value(json_object_get(dataset, "recorded_at"));
    if (!at || !is_store_time(store, at) || strlen(at) >= size) {
        snprintf(error, error_size,
                 "seed file %s: 'recorded_at' must be a UTC time with milliseconds, such as "
                 "\"2026-11-28T21:09:35.000Z\"", path);
        goto out;
    }
    strcpy(recorded_at, at);
    status = FR_OK;
out:
    json_decref(dataset);
    return status;
}

/* Imports every top-level table's seed file, inside the caller's transaction,
 * and records each record as entered when the seed's dataset.json says. */
static enum fr_status import_seed(struct fr_store *store, const char *seed_dir, char *error,
                                  size_t error_size)
{
    char path[4096], recorded_at[32];
    for (const char *const *t = top_level_tables; *t; t++) {
        int n = snprintf(path, sizeof(path), "%s/%s.json", seed_dir, *t);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            snprintf(error, error_size, "seed directory path is too long");
            return FR_EINVAL;
        }
        json_t *records = NULL;
        enum fr_status status = read_file(path, &records, error, error_size);
        if (status == FR_OK)
            status = schema_import(store->cache, schema_table_find(*t), records, path, error,
                                   error_size);
        json_decref(records);
        if (status != FR_OK)
            return status;
    }
    enum fr_status status = read_dataset(store, seed_dir, recorded_at, sizeof(recorded_at),
                                         error, error_size);
    for (const char *const *t = top_level_tables; status == FR_OK && *t; t++)
        status = revisions_fill(store, *t, recorded_at, error, error_size);
    return status;
}

enum fr_status fr_store_import_records(struct fr_store *store, const char *table,
                                       const json_t *records, char *error,
                                       size_t error_size)
{
    const struct schema_table *t = schema_table_find(table);
    if (!t || t->kind != SCHEMA_ENTITY) {
        snprintf(error, error_size, "no top-level table named '%s'", table);
        return FR_EINVAL;
    }
    enum fr_status status = schema_import(store->cache, t, records, table, error, error_size);
    if (status == FR_OK)
        status = revisions_fill(store, t->name, NULL, error, error_size);
    return status;
}

/* Deferred foreign keys fail COMMIT with no detail; name the first broken
 * reference instead. */
static enum fr_status check_references(sqlite3 *db, char *error, size_t error_size)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
        return FR_EDB;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        /* columns: table, rowid, parent table, foreign key index */
        sqlite3_stmt *detail = NULL;
        const char *table = (const char *)sqlite3_column_text(stmt, 0);
        const char *parent = (const char *)sqlite3_column_text(stmt, 2);
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE rowid = ?", table);
        const char *id = "?";
        if (sqlite3_prepare_v2(db, sql, -1, &detail, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(detail, 1, sqlite3_column_int64(stmt, 1));
            if (sqlite3_step(detail) == SQLITE_ROW && sqlite3_column_text(detail, 0))
                id = (const char *)sqlite3_column_text(detail, 0);
        }
        snprintf(error, error_size,
                 "seed: record '%s' of %s refers to a missing record of %s", id, table,
                 parent);
        sqlite3_finalize(detail);
        status = FR_EINVAL;
    }
    sqlite3_finalize(stmt);
    return status;
}

/* Brings the schema from version `from` to the newest, and imports the seed
 * when the database was new, all in one transaction. */
static enum fr_status migrate(struct fr_store *store, int from, const char *seed_dir,
                              char *error, size_t error_size)
{
    size_t target = fr_store_migration_count();
    enum fr_status status = exec(store->db, "BEGIN IMMEDIATE", "starting the migration",
                                 error, error_size);
    if (status != FR_OK)
        return status;
    for (size_t i = (size_t)from; status == FR_OK && i < target; i++) {
        char what[64];
        snprintf(what, sizeof(what), "migration %zu", i + 1);
        for (const char *const *sql = fr_store_migration(i); status == FR_OK && *sql; sql++)
            status = exec(store->db, *sql, what, error, error_size);
    }
    if (status == FR_OK && from == 0)
        status = import_seed(store, seed_dir, error, error_size);
    if (status == FR_OK)
        status = check_references(store->db, error, error_size);
    if (status == FR_OK) {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", target);
        status = exec(store->db, sql, "recording the schema version", error, error_size);
    }
    if (status == FR_OK)
        status = exec(store->db, "COMMIT", "committing the migration", error, error_size);
    if (status != FR_OK) {
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        return status;
    }
    store->version = (int)target;
    return FR_OK;
}

enum fr_status fr_store_open(const char *path, const char *seed_dir, struct fr_store **out,
                             char *error, size_t error_size)
{
    struct fr_store *store = NULL;
    enum fr_status status = FR_EDB;
    bool in_memory = strcmp(path, ":memory:") == 0;
    int version = 0, objects = 0;

    *out = NULL;
    store = calloc(1, sizeof(*store));
    if (!store) {
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    int rc = sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             NULL);
    if (rc != SQLITE_OK) {
        snprintf(error, error_size, "cannot open database %s: %s", path,
                 store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_extended_result_codes(store->db, 1);
    sqlite3_busy_timeout(store->db, 5000);
    store->cache = schema_cache_new(store->db);
    if (!store->cache) {
        snprintf(error, error_size, "out of memory");
        status = FR_ENOMEM;
        goto out;
    }

    /* Reading the schema touches the file's header and schema pages: this is
     * where an unreadable or non-database file shows itself, before any write. */
    if (query_int(store->db, "SELECT count(*) FROM sqlite_schema", &objects) != FR_OK ||
        query_int(store->db, "PRAGMA user_version", &version) != FR_OK) {
        snprintf(error, error_size, "cannot read database %s: %s", path,
                 sqlite3_errmsg(store->db));
        goto out;
    }
    if (version > (int)fr_store_migration_count()) {
        snprintf(error, error_size,
                 "database %s has schema version %d, newer than this build's %zu; "
                 "refusing to use it (upgrade frontierd)",
                 path, version, fr_store_migration_count());
        status = FR_ESCHEMA;
        goto out;
    }
    if (version == 0 && objects > 0) {
        snprintf(error, error_size,
                 "database %s has tables but no frontier schema version; refusing to "
                 "change it (choose another --db)", path);
        status = FR_ESCHEMA;
        goto out;
    }
    if (version < 0) {
        snprintf(error, error_size, "database %s has a negative schema version", path);
        status = FR_ESCHEMA;
        goto out;
    }

    status = exec(store->db, "PRAGMA foreign_keys = ON", "enabling foreign keys", error,
                  error_size);
    if (status == FR_OK && !in_memory)
        status = exec(store->db, "PRAGMA journal_mode = WAL", "enabling WAL", error,
                      error_size);
    if (status == FR_OK)
        status = exec(store->db, "PRAGMA synchronous = FULL", "setting synchronous", error,
                      error_size);
    if (status != FR_OK)
        goto out;

    store->version = version;
    if (version < (int)fr_store_migration_count())
        status = migrate(store, version, seed_dir, error, error_size);
out:
    if (status != FR_OK) {
        fr_store_close(store);
        return status;
    }
    *out = store;
    return FR_OK;
}

void fr_store_close(struct fr_store *store)
{
    if (!store)
        return;
    schema_cache_free(store->cache);
    sqlite3_close(store->db); /* also when open failed: it frees the handle */
    free(store);
}

/* Runs a read of several statements in one transaction, so that it sees one
 * state of the database, unless the caller's transaction already does. */
static enum fr_status read_begin(struct fr_store *store, bool *began, char *error,
                                 size_t error_size)
{
    *began = sqlite3_get_autocommit(store->db) != 0;
    return *began ? exec(store->db, "BEGIN", "starting a read", error, error_size) : FR_OK;
}

static void read_end(struct fr_store *store, bool began)
{
    if (began)
        sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
}

enum fr_status fr_store_load(struct fr_store *store, json_t **out, char *error,
                             size_t error_size)
{
    bool began = false;
    *out = NULL;
    enum fr_status status = read_begin(store, &began, error, error_size);
    if (status != FR_OK)
        return status;
    status = schema_load(store->cache, out, error, error_size);
    read_end(store, began);
    return status;
}

enum fr_status fr_store_get(struct fr_store *store, const char *table, const char *id,
                            json_t **out, char *error, size_t error_size)
{
    const struct schema_table *t = schema_table_find(table);
    bool began = false;
    *out = NULL;
    if (!t || t->kind != SCHEMA_ENTITY) {
        snprintf(error, error_size, "no top-level table named '%s'", table);
        return FR_EINVAL;
    }
    enum fr_status status = read_begin(store, &began, error, error_size);
    if (status != FR_OK)
        return status;
    status = schema_load_one(store->cache, t, id, out, error, error_size);
    read_end(store, began);
    return status;
}
