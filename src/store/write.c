/*
 * Writes: one record created, replaced or deleted per transaction, together
 * with its revision and one entry in the change log, durable when
 * fr_store_write returns FR_OK (WAL, synchronous=FULL). Everything a write
 * checks (the version the client saw, the record's problems, who still
 * refers to it, a reused Idempotency-Key) is checked inside the same
 * BEGIN IMMEDIATE transaction, so no other writer can slip in between the
 * check and the change, and any refusal or failure rolls back: a refused
 * write leaves nothing behind, and no statement is left holding a lock.
 */
#include "frontier/store.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

#define TIME_SQL "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/* One write in progress. */
struct write_run {
    struct fr_store *store;
    sqlite3 *db;
    const struct fr_write *write;
    const struct schema_table *table;
    struct fr_write_result *result;
    char now[32];   /* the write's time: updated_at, the change's "at" */
    bool began;     /* this write opened the transaction */
    bool changed;   /* something to commit (else it is rolled back) */
    json_t *old;    /* REPLACE, DELETE: the record before the write */
    char *error;
    size_t error_size;
};

static enum fr_status db_fail(struct write_run *run, const char *what)
{
    snprintf(run->error, run->error_size, "%s: %s", what, sqlite3_errmsg(run->db));
    return FR_EDB;
}

static enum fr_status nomem(struct write_run *run)
{
    snprintf(run->error, run->error_size, "out of memory");
    return FR_ENOMEM;
}

/* A refusal: the problem slug the API turns into its problem type, and a
 * sentence for the log. errors (stolen, may be NULL) lists the problems. */
__attribute__((format(printf, 5, 6)))
static enum fr_status refuse(struct write_run *run, enum fr_status status, const char *problem,
                             json_t *errors, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->error, run->error_size, fmt, ap);
    va_end(ap);
    run->result->problem = problem;
    json_decref(run->result->errors);
    run->result->errors = errors;
    return status;
}

/* The connection's statement for sql with text parameters 1..count bound
 * (NULL binds NULL); reset by the caller after use. */
static enum fr_status statement(struct write_run *run, const char *sql,
                                const char *const *params, int count, sqlite3_stmt **stmt)
{
    enum fr_status status = schema_cache_statement(run->store->cache, sql, stmt);
    if (status == FR_ENOMEM)
        return nomem(run);
    if (status != FR_OK)
        return db_fail(run, "preparing a write");
    for (int i = 0; i < count; i++) {
        if (sqlite3_bind_text(*stmt, i + 1, params[i], -1, SQLITE_STATIC) != SQLITE_OK) {
            sqlite3_reset(*stmt);
            return db_fail(run, "binding a write's parameters");
        }
    }
    return FR_OK;
}

/* Runs a statement that returns no rows. */
static enum fr_status run_sql(struct write_run *run, const char *sql, const char *const *params,
                              int count)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = statement(run, sql, params, count, &stmt);
    if (status != FR_OK)
        return status;
    if (sqlite3_step(stmt) != SQLITE_DONE)
        status = db_fail(run, "writing");
    sqlite3_reset(stmt);
    return status;
}

/* ---- the transaction ---------------------------------------------------- */

/* Opens the write's transaction, reads its time and drops the
 * Idempotency-Keys older than a day. */
static enum fr_status write_begin(struct write_run *run)
{
    static const char purge[] =
        "DELETE FROM idempotency_keys "
        "WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-1 day')";
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_exec(run->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(run, "starting the write");
    run->began = true;
    enum fr_status status = statement(run, "SELECT " TIME_SQL, NULL, 0, &stmt);
    if (status != FR_OK)
        return status;
    if (sqlite3_step(stmt) == SQLITE_ROW &&
        sqlite3_column_bytes(stmt, 0) < (int)sizeof(run->now))
        strcpy(run->now, (const char *)sqlite3_column_text(stmt, 0));
    else
        status = db_fail(run, "reading the time");
    sqlite3_reset(stmt);
    if (status != FR_OK)
        return status;
    const char *params[] = {run->now};
    return run_sql(run, purge, params, 1);
}

/* Commits what changed, rolls back everything else (a refusal, a failure, a
 * write that changed nothing), so that no transaction stays open. */
static enum fr_status write_end(struct write_run *run, enum fr_status status)
{
    if (!run->began)
        return status;
    if (status == FR_OK && run->changed &&
        sqlite3_exec(run->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        status = db_fail(run, "committing the write");
    if (!sqlite3_get_autocommit(run->db))
        sqlite3_exec(run->db, "ROLLBACK", NULL, NULL, NULL);
    return status;
}

/* ---- the record's rows, revision and change log ---------------------------- */

static enum fr_status record_exists(struct write_run *run, const char *id, bool *exists)
{
    char sql[128];
    sqlite3_stmt *stmt = NULL;
    const char *params[] = {id};
    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = ?1", run->table->name);
    enum fr_status status = statement(run, sql, params, 1, &stmt);
    if (status != FR_OK)
        return status;
    int rc = sqlite3_step(stmt);
    *exists = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = db_fail(run, "looking the record up");
    sqlite3_reset(stmt);
    return status;
}

/* Deletes the record's row, children, links and citations (its revision
 * stays: a replacement keeps counting from it). */
static enum fr_status record_delete(struct write_run *run, const char *id)
{
    const char *table = run->table->name;
    const char *params[] = {id};
    char sql[512];
    enum fr_status status = FR_OK;

    for (const struct schema_table *t = schema_tables; status == FR_OK && t->name; t++) {
        if (t->kind == SCHEMA_ENTITY || strcmp(t->parent, table) != 0)
            continue;
        if (t->kind == SCHEMA_CHILD) {
            snprintf(sql, sizeof(sql),
                     "DELETE FROM citations WHERE record_table = '%s' AND record_id IN "
                     "(SELECT id FROM %s WHERE %s = ?1)", t->name, t->name, t->parent_column);
            status = run_sql(run, sql, params, 1);
        }
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?1", t->name, t->parent_column);
        if (status == FR_OK)
            status = run_sql(run, sql, params, 1);
    }
    snprintf(sql, sizeof(sql), "DELETE FROM citations WHERE record_table = '%s' AND record_id = ?1",
             table);
    if (status == FR_OK)
        status = run_sql(run, sql, params, 1);
    snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?1", table);
    if (status == FR_OK)
        status = run_sql(run, sql, params, 1);
    return status;
}

/* Inserts record (a body) with every problem found going to an
 * "invalid-record" refusal; errors (stolen) may already hold some. */
static enum fr_status record_insert(struct write_run *run, const json_t *record, json_t *errors)
{
    enum fr_status status = schema_import_record(run->store->cache, run->table, record, errors,
                                                 run->error, run->error_size);
    if (status == FR_EINVAL)
        return refuse(run, FR_EINVAL, "invalid-record", errors,
                      "the %s record has %zu problem(s)", run->table->name,
                      json_array_size(errors));
    json_decref(errors);
    return status;
}

static enum fr_status record_load(struct write_run *run, const char *id, json_t **out)
{
    return schema_load_one(run->store->cache, run->table, id, out, run->error, run->error_size);
}

/* The record before a REPLACE or DELETE, at the version the client saw. */
static enum fr_status record_current(struct write_run *run, const char *id)
{
    enum fr_status status = record_load(run, id, &run->old);
    if (status == FR_ENOTFOUND)
        return refuse(run, FR_ENOTFOUND, "not-found", NULL, "no %s record with id '%s'",
                      run->table->name, id);
    if (status != FR_OK)
        return status;
    long long version = json_integer_value(json_object_get(run->old, "version"));
    if (version != run->write->expected_version)
        return refuse(run, FR_ECONFLICT, "version-mismatch", NULL,
                      "%s record '%s' is at version %lld, not %lld", run->table->name, id,
                      version, run->write->expected_version);
    return FR_OK;
}

/* The revision: created (version 1), advanced (version + 1) or deleted. */
static enum fr_status revision_write(struct write_run *run, const char *id)
{
    static const char *const sql[] = {
        [FR_WRITE_CREATE] = "INSERT INTO revisions (record_table, record_id, version, "
                            "recorded_at, updated_at) VALUES (?1, ?2, 1, ?3, ?3)",
        [FR_WRITE_REPLACE] = "UPDATE revisions SET version = version + 1, updated_at = ?3 "
                             "WHERE record_table = ?1 AND record_id = ?2",
        [FR_WRITE_DELETE] = "DELETE FROM revisions WHERE record_table = ?1 AND record_id = ?2",
    };
    const char *params[] = {run->table->name, id, run->now};
    return run_sql(run, sql[run->write->action], params,
                   run->write->action == FR_WRITE_DELETE ? 2 : 3);
}

/* Appends the change log entry; its sequence number goes to the result. */
static enum fr_status change_append(struct write_run *run, const char *id, long long version,
                                    const json_t *old, const json_t *new)
{
    static const char *const actions[] = {
        [FR_WRITE_CREATE] = "create", [FR_WRITE_REPLACE] = "update",
        [FR_WRITE_DELETE] = "delete",
    };
    static const char sql[] =
        "INSERT INTO changes (at, actor, action, record_table, record_id, version, old, new) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *stmt = NULL;
    char *old_text = old ? json_dumps(old, JSON_COMPACT) : NULL;
    char *new_text = new ? json_dumps(new, JSON_COMPACT) : NULL;
    const char *params[] = {run->now, run->write->actor, actions[run->write->action],
                            run->table->name, id};
    enum fr_status status = FR_OK;

    if ((old && !old_text) || (new && !new_text)) {
        status = nomem(run);
        goto out;
    }
    status = statement(run, sql, params, 5, &stmt);
    if (status != FR_OK)
        goto out;
    sqlite3_bind_int64(stmt, 6, version);
    sqlite3_bind_text(stmt, 7, old_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 8, new_text, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_DONE)
        run->result->change = sqlite3_last_insert_rowid(run->db);
    else
        status = db_fail(run, "appending to the change log");
    sqlite3_reset(stmt);
out:
    free(old_text);
    free(new_text);
    return status;
}

/* ---- Idempotency-Key --------------------------------------------------- */

/* A key this actor used before: the same request replays the first
 * result (*replayed), another is refused. */
static enum fr_status idempotency_lookup(struct write_run *run, bool *replayed)
{
    static const char sql[] =
        "SELECT request_digest, change_seq, record FROM idempotency_keys "
        "WHERE actor = ?1 AND key = ?2";
    const struct fr_write *w = run->write;
    const char *params[] = {w->actor, w->idempotency_key};
    sqlite3_stmt *stmt = NULL;
    json_error_t jerr;

    *replayed = false;
    enum fr_status status = statement(run, sql, params, 2, &stmt);
    if (status != FR_OK)
        return status;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *digest = (const char *)sqlite3_column_text(stmt, 0);
        if (strcmp(digest ? digest : "", w->request_digest ? w->request_digest : "") != 0) {
            status = refuse(run, FR_ECONFLICT, "idempotency-key-reused", NULL,
                            "the Idempotency-Key '%s' was used for another request",
                            w->idempotency_key);
        } else {
            json_t *record = json_loads((const char *)sqlite3_column_text(stmt, 2), 0, &jerr);
            if (!record) {
                status = db_fail(run, "reading a stored result");
            } else {
                run->result->record = record;
                run->result->version = json_integer_value(json_object_get(record, "version"));
                run->result->change = sqlite3_column_int64(stmt, 1);
                run->result->replayed = true;
                *replayed = true;
            }
        }
    } else if (rc != SQLITE_DONE) {
        status = db_fail(run, "looking the Idempotency-Key up");
    }
    sqlite3_reset(stmt);
    return status;
}

static enum fr_status idempotency_store(struct write_run *run, const char *id,
                                        const json_t *record)
{
    static const char sql[] =
        "INSERT INTO idempotency_keys (actor, key, request_digest, record_table, record_id, "
        "created_at, record, change_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    const struct fr_write *w = run->write;
    sqlite3_stmt *stmt = NULL;
    char *text = json_dumps(record, JSON_COMPACT);
    const char *params[] = {w->actor, w->idempotency_key,
                            w->request_digest ? w->request_digest : "", run->table->name, id,
                            run->now, text};
    enum fr_status status = text ? statement(run, sql, params, 7, &stmt) : nomem(run);
    if (status == FR_OK) {
        sqlite3_bind_int64(stmt, 8, run->result->change);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            status = db_fail(run, "storing the Idempotency-Key");
        sqlite3_reset(stmt);
    }
    free(text);
    return status;
}

/* ---- the three writes ----------------------------------------------------- */

static enum fr_status write_create(struct write_run *run)
{
    const struct fr_write *w = run->write;
    const char *id = json_string_value(json_object_get(w->record, "id"));
    json_t *record = NULL;
    bool replayed = false, exists = false;
    enum fr_status status = FR_OK;

    if (w->idempotency_key) {
        status = idempotency_lookup(run, &replayed);
        if (status != FR_OK || replayed)
            return status;
    }
    if (id && (status = record_exists(run, id, &exists)) != FR_OK)
        return status;
    if (exists)
        return refuse(run, FR_ECONFLICT, "already-exists", NULL,
                      "a %s record with id '%s' already exists", run->table->name, id);
    json_t *errors = json_array();
    status = errors ? record_insert(run, w->record, errors) : nomem(run);
    if (status == FR_OK)
        status = revision_write(run, id);
    if (status == FR_OK)
        status = record_load(run, id, &record);
    if (status == FR_OK)
        status = change_append(run, id, 1, NULL, record);
    if (status == FR_OK && w->idempotency_key)
        status = idempotency_store(run, id, record);
    if (status == FR_OK) {
        run->result->record = record;
        run->result->version = 1;
        run->changed = true;
        record = NULL;
    }
    json_decref(record);
    return status;
}

/* A record without its revision members, to compare contents. */
static json_t *without_revision(const json_t *record)
{
    json_t *copy = json_copy((json_t *)record);
    if (copy) {
        json_object_del(copy, "version");
        json_object_del(copy, "recorded_at");
        json_object_del(copy, "updated_at");
    }
    return copy;
}

static bool same_content(const json_t *a, const json_t *b)
{
    json_t *x = without_revision(a), *y = without_revision(b);
    bool same = x && y && json_equal(x, y);
    json_decref(x);
    json_decref(y);
    return same;
}

static enum fr_status write_replace(struct write_run *run)
{
    const struct fr_write *w = run->write;
    json_t *body = NULL, *record = NULL, *errors = NULL;
    enum fr_status status = record_current(run, w->id);
    if (status != FR_OK)
        return status;

    errors = json_array();
    if (!errors) {
        status = nomem(run);
        goto out;
    }
    /* The path names the record; a body may leave its id out, but not
     * contradict it. */
    if (json_is_object(w->record)) {
        const json_t *body_id = json_object_get(w->record, "id");
        if (body_id && !(json_is_string(body_id) && strcmp(json_string_value(body_id), w->id) == 0)) {
            json_t *e = json_pack("{s:s, s:o}", "pointer", "/id", "detail",
                                  json_sprintf("an id cannot change: this record's is '%s'",
                                               w->id));
            if (!e || json_array_append_new(errors, e) != 0) {
                status = nomem(run);
                goto out;
            }
        }
        body = json_copy((json_t *)w->record);
        if (!body || json_object_set_new(body, "id", json_string(w->id)) != 0) {
            status = nomem(run);
            goto out;
        }
    }
    status = record_delete(run, w->id);
    if (status == FR_OK) {
        status = record_insert(run, body ? body : w->record, errors);
        errors = NULL;
    }
    if (status == FR_OK)
        status = revision_write(run, w->id);
    if (status == FR_OK)
        status = record_load(run, w->id, &record);
    if (status != FR_OK)
        goto out;
    if (same_content(run->old, record)) {
        /* Nothing to record: the write is rolled back and answers with the
         * record as it was. */
        run->result->record = json_incref(run->old);
        run->result->version = w->expected_version;
        goto out;
    }
    run->result->version = json_integer_value(json_object_get(record, "version"));
    status = change_append(run, w->id, run->result->version, run->old, record);
    if (status == FR_OK) {
        run->result->record = record;
        run->changed = true;
        record = NULL;
    }
out:
    json_decref(errors);
    json_decref(record);
    json_decref(body);
    return status;
}

static enum fr_status write_delete(struct write_run *run)
{
    const struct fr_write *w = run->write;
    json_t *errors = NULL;
    enum fr_status status = record_current(run, w->id);
    if (status == FR_OK)
        status = record_delete(run, w->id);
    if (status == FR_OK)
        status = revision_write(run, w->id);
    if (status != FR_OK)
        goto out;

    /* What still refers to the id now belongs to other records. */
    errors = json_array();
    status = errors ? schema_referrers(run->store->cache, run->table, w->id, errors, run->error,
                                       run->error_size)
                    : nomem(run);
    if (status == FR_OK && json_array_size(errors) > 0) {
        status = refuse(run, FR_ECONFLICT, "still-referenced", errors,
                        "%zu reference(s) to %s record '%s' remain", json_array_size(errors),
                        run->table->name, w->id);
        errors = NULL;
    }
    if (status == FR_OK)
        status = change_append(run, w->id, w->expected_version, run->old, NULL);
    if (status == FR_OK) {
        run->result->version = w->expected_version;
        run->changed = true;
    }
out:
    json_decref(errors);
    return status;
}

/* A call the API should never make: no problem slug, only a reason. */
static enum fr_status check_call(struct write_run *run)
{
    const struct fr_write *w = run->write;
    const char *why = NULL;
    if (!run->table || run->table->kind != SCHEMA_ENTITY)
        why = "the table is not a top-level table";
    else if (!w->actor || !w->actor[0])
        why = "a write needs an actor";
    else if (w->action != FR_WRITE_CREATE && w->action != FR_WRITE_REPLACE &&
             w->action != FR_WRITE_DELETE)
        why = "unknown write action";
    else if (w->action != FR_WRITE_CREATE && !w->id)
        why = "a replace or delete needs the record's id";
    else if (w->action != FR_WRITE_DELETE && !w->record)
        why = "a create or replace needs a record";
    if (why)
        snprintf(run->error, run->error_size, "%s", why);
    return why ? FR_EINVAL : FR_OK;
}

enum fr_status fr_store_write(struct fr_store *store, const struct fr_write *write,
                              struct fr_write_result *result, char *error, size_t error_size)
{
    struct write_run run = {.store = store, .db = store->db, .write = write,
                            .table = write->table ? schema_table_find(write->table) : NULL,
                            .result = result, .error = error, .error_size = error_size};
    memset(result, 0, sizeof(*result));
    if (error_size > 0)
        error[0] = '\0';

    enum fr_status status = check_call(&run);
    if (status == FR_OK)
        status = write_begin(&run);
    if (status == FR_OK) {
        switch (write->action) {
        case FR_WRITE_CREATE:
            status = write_create(&run);
            break;
        case FR_WRITE_REPLACE:
            status = write_replace(&run);
            break;
        case FR_WRITE_DELETE:
            status = write_delete(&run);
            break;
        }
    }
    status = write_end(&run, status);
    json_decref(run.old);
    if (status != FR_OK) {
        json_decref(result->record);
        result->record = NULL;
        result->version = 0;
        result->change = 0;
        result->replayed = false;
    }
    return status;
}

void fr_write_result_cleanup(struct fr_write_result *result)
{
    if (!result)
        return;
    json_decref(result->record);
    json_decref(result->errors);
    memset(result, 0, sizeof(*result));
}

/* ---- the change log ------------------------------------------------------- */

/* A stored record (JSON text) or NULL as JSON; NULL when the text is bad. */
static json_t *stored_json(sqlite3_stmt *stmt, int column)
{
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
        return json_null();
    return json_loads((const char *)sqlite3_column_text(stmt, column), 0, NULL);
}

enum fr_status fr_store_changes(struct fr_store *store, long long after, size_t limit,
                                json_t **out, char *error, size_t error_size)
{
    static const char sql[] =
        "SELECT seq, at, actor, action, record_table, record_id, version, old, new "
        "FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2";
    sqlite3_stmt *stmt = NULL;
    json_t *list = json_array();
    enum fr_status status = FR_OK;
    int rc = SQLITE_DONE;

    *out = NULL;
    if (!list) {
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    status = schema_cache_statement(store->cache, sql, &stmt);
    if (status != FR_OK) {
        snprintf(error, error_size, "reading the change log: %s",
                 status == FR_ENOMEM ? "out of memory" : sqlite3_errmsg(store->db));
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, after);
    sqlite3_bind_int64(stmt, 2, limit > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)limit);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *old = stored_json(stmt, 7), *new = stored_json(stmt, 8);
        if (!old || !new) {
            json_decref(old);
            json_decref(new);
            snprintf(error, error_size, "change %lld holds a record that is not JSON",
                     (long long)sqlite3_column_int64(stmt, 0));
            status = FR_EDB;
            goto out;
        }
        json_t *entry = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "seq",
            (json_int_t)sqlite3_column_int64(stmt, 0), "at", sqlite3_column_text(stmt, 1),
            "actor", sqlite3_column_text(stmt, 2), "action", sqlite3_column_text(stmt, 3),
            "table", sqlite3_column_text(stmt, 4), "id", sqlite3_column_text(stmt, 5),
            "version", (json_int_t)sqlite3_column_int64(stmt, 6), "old", old, "new", new);
        if (!entry || json_array_append_new(list, entry) != 0) {
            snprintf(error, error_size, "out of memory");
            status = FR_ENOMEM;
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(error, error_size, "reading the change log: %s", sqlite3_errmsg(store->db));
        status = FR_EDB;
    }
out:
    if (stmt)
        sqlite3_reset(stmt);
    if (status == FR_OK)
        *out = list;
    else
        json_decref(list);
    return status;
}
