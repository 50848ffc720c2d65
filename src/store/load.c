/*
 * Reading the tables back as JSON records shaped like the seed files:
 * children and links nested in their parents, citations on every record,
 * and each top-level record's revision (version, recorded_at, updated_at)
 * after its other members. The same code reads every record (a snapshot)
 * or one record and its children (a write's result and its change log
 * entry), so both have exactly the same shape.
 */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct load {
    struct schema_cache *cache;
    sqlite3 *db;
    const struct schema_table *top; /* one record: its table; NULL: every record */
    const char *id;                 /* one record: its id */
    json_t *out;       /* {"<table>": [record, ...]} for the top-level tables read */
    json_t *index;     /* {"<table>": {"<id>": record}}: where children go */
    json_t *citations; /* every record: {"<table>/<id>": [citation, ...]} */
    char *error;
    size_t error_size;
};

static json_t *column_json(sqlite3_stmt *stmt, int column)
{
    switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT:
        return json_stringn((const char *)sqlite3_column_text(stmt, column),
                            (size_t)sqlite3_column_bytes(stmt, column));
    default:
        return json_null();
    }
}

/* One row as a JSON object shaped like the seed record (without nesting). */
static json_t *row_json(sqlite3_stmt *stmt, const struct schema_layout *layout)
{
    json_t *obj = json_object();
    if (!obj)
        return NULL;
    for (int i = 0; i < layout->field_count; i++) {
        const struct schema_field *f = &layout->fields[i];
        json_t *v = NULL;
        int c0 = f->columns[0];
        if (f->kind == SCHEMA_FIELD_DATE || f->kind == SCHEMA_FIELD_MONEY) {
            if (sqlite3_column_type(stmt, c0) == SQLITE_NULL) {
                v = json_null();
            } else if (f->kind == SCHEMA_FIELD_DATE) {
                v = json_pack("{s:o, s:o, s:o}", "value", column_json(stmt, c0),
                              "precision", column_json(stmt, f->columns[1]), "qualifier",
                              f->column_count == 3 ? column_json(stmt, f->columns[2])
                                                   : json_null());
            } else {
                v = json_pack("{s:I, s:o, s:b}", "amount_minor",
                              (json_int_t)sqlite3_column_int64(stmt, c0), "currency",
                              column_json(stmt, f->columns[1]), "approximate",
                              f->column_count == 3 && sqlite3_column_int(stmt, f->columns[2]));
            }
        } else if (f->kind == SCHEMA_FIELD_BOOL && sqlite3_column_type(stmt, c0) != SQLITE_NULL) {
            v = json_boolean(sqlite3_column_int(stmt, c0));
        } else {
            v = column_json(stmt, c0);
        }
        if (!v || json_object_set_new(obj, f->name, v) != 0) {
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

static enum fr_status load_fail(struct load *ld, const char *what)
{
    snprintf(ld->error, ld->error_size, "reading %s: %s", what, sqlite3_errmsg(ld->db));
    return FR_EDB;
}

static enum fr_status load_nomem(struct load *ld, const char *what)
{
    snprintf(ld->error, ld->error_size, "out of memory reading %s", what);
    return FR_ENOMEM;
}

static enum fr_status statement(struct load *ld, const char *sql, const char *what,
                                sqlite3_stmt **stmt)
{
    enum fr_status status = schema_cache_statement(ld->cache, sql, stmt);
    if (status == FR_ENOMEM)
        return load_nomem(ld, what);
    return status == FR_OK ? FR_OK : load_fail(ld, what);
}

/* The citation in the columns source, quoted_in, quote, quote_en from first. */
static json_t *citation_json(sqlite3_stmt *stmt, int first)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "source", column_json(stmt, first), "quoted_in",
                     column_json(stmt, first + 1), "quote", column_json(stmt, first + 2),
                     "quote_en", column_json(stmt, first + 3));
}

static bool record_key(char *out, size_t size, const char *table, const char *id)
{
    int n = snprintf(out, size, "%s/%s", table, id);
    return n >= 0 && (size_t)n < size;
}

/* Appends to the query being built in sql; false when it does not fit. */
__attribute__((format(printf, 4, 5)))
static bool sql_append(char *sql, size_t size, size_t *used, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = *used < size ? vsnprintf(sql + *used, size - *used, fmt, ap) : -1;
    va_end(ap);
    if (n < 0 || (size_t)n >= size - *used)
        return false;
    *used += (size_t)n;
    return true;
}

/* The citations to read: every record's, or those of ld->id and of its
 * children. */
static bool citations_sql(const struct load *ld, char *sql, size_t size)
{
    size_t used = 0;
    bool ok = sql_append(sql, size, &used, "%s",
                         "SELECT record_table, record_id, source, quoted_in, quote, quote_en "
                         "FROM citations");
    if (ld->top) {
        ok = ok && sql_append(sql, size, &used, " WHERE (record_table = '%s' AND record_id = ?1)",
                              ld->top->name);
        for (const struct schema_table *t = schema_tables; ok && t->name; t++) {
            if (t->kind == SCHEMA_CHILD && strcmp(t->parent, ld->top->name) == 0)
                ok = sql_append(sql, size, &used,
                                " OR (record_table = '%s' AND record_id IN "
                                "(SELECT id FROM %s WHERE %s = ?1))",
                                t->name, t->name, t->parent_column);
        }
    }
    return ok && sql_append(sql, size, &used, "%s",
                            " ORDER BY record_table, record_id, position");
}

/* The citations of the records being read, in one pass, into
 * ld->citations: {"<table>/<id>": [citation, ...]}. */
static enum fr_status load_citations(struct load *ld)
{
    sqlite3_stmt *stmt = NULL;
    char sql[1024], key[160];
    int rc;

    if (!citations_sql(ld, sql, sizeof(sql)))
        return load_fail(ld, "citations (the query is too long)");
    enum fr_status status = statement(ld, sql, "citations", &stmt);
    if (status != FR_OK)
        return status;
    if (ld->top)
        sqlite3_bind_text(stmt, 1, ld->id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (!record_key(key, sizeof(key), (const char *)sqlite3_column_text(stmt, 0),
                        (const char *)sqlite3_column_text(stmt, 1))) {
            status = load_fail(ld, "citations of an over-long id");
            goto out;
        }
        json_t *list = json_object_get(ld->citations, key);
        if (!list) {
            list = json_array();
            if (!list || json_object_set_new(ld->citations, key, list) != 0) {
                status = load_nomem(ld, "citations");
                goto out;
            }
        }
        if (json_array_append_new(list, citation_json(stmt, 2)) != 0) {
            status = load_nomem(ld, "citations");
            goto out;
        }
    }
    if (rc != SQLITE_DONE)
        status = load_fail(ld, "citations");
out:
    sqlite3_reset(stmt);
    return status;
}

/* The citations of one record, a new reference in *out. */
static enum fr_status citations_of(struct load *ld, const char *table, const char *id,
                                   json_t **out)
{
    char key[160];
    json_t *list = record_key(key, sizeof(key), table, id) ? json_object_get(ld->citations, key)
                                                           : NULL;
    *out = list ? json_incref(list) : json_array();
    return *out ? FR_OK : load_nomem(ld, "citations");
}

/* The query reading table: all of it, or only what belongs to ld->id. */
static bool table_sql(const struct load *ld, const struct schema_table *table, char *sql,
                      size_t size)
{
    int n;
    if (table->kind == SCHEMA_LINK) {
        n = ld->top ? snprintf(sql, size,
                               "SELECT %s, %s FROM %s WHERE %s = ?1 ORDER BY %s, position",
                               table->parent_column, table->value_column, table->name,
                               table->parent_column, table->parent_column)
                    : snprintf(sql, size, "SELECT %s, %s FROM %s ORDER BY %s, position",
                               table->parent_column, table->value_column, table->name,
                               table->parent_column);
    } else if (table->kind == SCHEMA_CHILD) {
        n = ld->top ? snprintf(sql, size, "SELECT * FROM %s WHERE %s = ?1 ORDER BY id",
                               table->name, table->parent_column)
                    : snprintf(sql, size, "SELECT * FROM %s ORDER BY id", table->name);
    } else {
        n = snprintf(sql, size,
                     "SELECT t.*, r.version, r.recorded_at, r.updated_at FROM %s t "
                     "LEFT JOIN revisions r ON r.record_table = '%s' AND r.record_id = t.id "
                     "%sORDER BY t.id", table->name, table->name,
                     ld->top ? "WHERE t.id = ?1 " : "");
    }
    return n >= 0 && (size_t)n < size;
}

/* A top-level record's revision, after its other members: the entity query
 * reads it after the table's own columns. */
static bool add_revision(json_t *record, sqlite3_stmt *stmt, int first)
{
    static const char *const members[] = {"version", "recorded_at", "updated_at"};
    for (int i = 0; i < 3; i++) {
        if (json_object_set_new(record, members[i], column_json(stmt, first + i)) != 0)
            return false;
    }
    return true;
}

/* One row of a child or entity table, placed: entities into out[name] and
 * index[name], children into their parent's list. */
static enum fr_status place_record(struct load *ld, const struct schema_table *table,
                                   const struct schema_layout *layout, sqlite3_stmt *stmt,
                                   json_t *list, json_t *by_id, json_t *parents)
{
    json_t *cites = NULL;
    json_t *record = row_json(stmt, layout);
    enum fr_status status = FR_OK;

    if (!record)
        return load_nomem(ld, table->name);
    const char *id = json_string_value(json_object_get(record, "id"));
    status = citations_of(ld, table->name, id ? id : "", &cites);
    if (status != FR_OK)
        goto out;
    if (json_object_set_new(record, "citations", cites) != 0) {
        status = load_nomem(ld, table->name);
        goto out;
    }
    if (table->kind == SCHEMA_ENTITY) {
        if (!add_revision(record, stmt, layout->column_count) ||
            json_object_set(by_id, id ? id : "", record) != 0 ||
            json_array_append(list, record) != 0)
            status = load_nomem(ld, table->name);
    } else {
        json_t *parent = json_object_get(
            parents, json_string_value(json_object_get(record, table->parent_column)));
        json_t *arr = json_object_get(parent, table->json_key);
        json_object_del(record, table->parent_column);
        if (!arr || json_array_append(arr, record) != 0)
            status = load_nomem(ld, table->name);
    }
out:
    json_decref(record);
    return status;
}

/* Loads one table. Entities go into out[name] and index[name]; children and
 * links are appended to their parents found through index. */
static enum fr_status load_table(struct load *ld, const struct schema_table *table)
{
    const struct schema_layout *layout = NULL;
    sqlite3_stmt *stmt = NULL;
    json_t *list = NULL, *by_id = NULL, *parents = NULL;
    enum fr_status status;
    char sql[512];
    int rc = SQLITE_DONE;

    status = schema_cache_layout(ld->cache, table->name, &layout, ld->error, ld->error_size);
    if (status != FR_OK)
        return status;
    if (!table_sql(ld, table, sql, sizeof(sql)))
        return load_fail(ld, table->name);
    status = statement(ld, sql, table->name, &stmt);
    if (status != FR_OK)
        return status;
    if (ld->top)
        sqlite3_bind_text(stmt, 1, ld->id, -1, SQLITE_STATIC);

    if (table->kind == SCHEMA_ENTITY) {
        list = json_array();
        by_id = json_object();
        if (!list || !by_id)
            status = load_nomem(ld, table->name);
    } else {
        /* Every parent gets the key, so an empty list is [] and not absent. */
        parents = json_object_get(ld->index, table->parent);
        const char *pid;
        json_t *parent;
        json_object_foreach(parents, pid, parent) {
            if (status == FR_OK && json_object_set_new(parent, table->json_key, json_array()) != 0)
                status = load_nomem(ld, table->name);
        }
    }
    while (status == FR_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (table->kind == SCHEMA_LINK) {
            json_t *parent = json_object_get(parents, (const char *)sqlite3_column_text(stmt, 0));
            json_t *arr = json_object_get(parent, table->json_key);
            if (!arr || json_array_append_new(arr, column_json(stmt, 1)) != 0)
                status = load_nomem(ld, table->name);
            continue;
        }
        status = place_record(ld, table, layout, stmt, list, by_id, parents);
    }
    if (status != FR_OK)
        goto out;
    if (rc != SQLITE_DONE) {
        status = load_fail(ld, table->name);
        goto out;
    }
    if (table->kind == SCHEMA_ENTITY &&
        (json_object_set(ld->out, table->name, list) != 0 ||
         json_object_set(ld->index, table->name, by_id) != 0))
        status = load_nomem(ld, table->name);
out:
    sqlite3_reset(stmt);
    json_decref(list);
    json_decref(by_id);
    return status;
}

/* Reads ld->top's record (or every table when it is NULL) into ld->out. */
static enum fr_status load_run(struct load *ld)
{
    enum fr_status status = FR_OK;
    ld->out = json_object();
    ld->index = json_object();
    ld->citations = json_object();
    if (!ld->out || !ld->index || !ld->citations)
        status = load_nomem(ld, "the store");
    if (status == FR_OK)
        status = load_citations(ld);
    for (const struct schema_table *t = schema_tables; status == FR_OK && t->name; t++) {
        if (!ld->top || t == ld->top ||
            (t->kind != SCHEMA_ENTITY && strcmp(t->parent, ld->top->name) == 0))
            status = load_table(ld, t);
    }
    json_decref(ld->index);
    json_decref(ld->citations);
    if (status != FR_OK) {
        json_decref(ld->out);
        ld->out = NULL;
    }
    return status;
}

enum fr_status schema_load(struct schema_cache *cache, json_t **out, char *error,
                           size_t error_size)
{
    struct load ld = {.cache = cache, .db = schema_cache_db(cache), .error = error,
                      .error_size = error_size};
    enum fr_status status = load_run(&ld);
    *out = ld.out;
    return status;
}

enum fr_status schema_load_one(struct schema_cache *cache, const struct schema_table *table,
                               const char *id, json_t **out, char *error, size_t error_size)
{
    struct load ld = {.cache = cache, .db = schema_cache_db(cache), .top = table, .id = id,
                      .error = error, .error_size = error_size};
    *out = NULL;
    enum fr_status status = load_run(&ld);
    if (status == FR_OK) {
        json_t *record = json_array_get(json_object_get(ld.out, table->name), 0);
        if (record) {
            *out = json_incref(record);
        } else {
            snprintf(error, error_size, "no %s record with id '%s'", table->name, id);
            status = FR_ENOTFOUND;
        }
    }
    json_decref(ld.out);
    return status;
}
