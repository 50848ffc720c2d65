/*
 * Reading the tables back as JSON records shaped like the seed files:
 * children and links nested in their parents, citations on every record.
 */
#include "schema.h"

#include <stdio.h>
#include <string.h>

/* ---- load -------------------------------------------------------------- */

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

static enum fr_status load_fail(sqlite3 *db, const char *what, char *error, size_t error_size)
{
    snprintf(error, error_size, "reading %s: %s", what, sqlite3_errmsg(db));
    return FR_EDB;
}

/* {"<table>/<id>": [citation, ...]} for every record. */
static enum fr_status load_citations(sqlite3 *db, json_t *by_record, char *error,
                                     size_t error_size)
{
    static const char sql[] =
        "SELECT record_table, record_id, source, quoted_in, quote, quote_en "
        "FROM citations ORDER BY record_table, record_id, position";
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char key[160];
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return load_fail(db, "citations", error, error_size);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        snprintf(key, sizeof(key), "%s/%s", sqlite3_column_text(stmt, 0),
                 sqlite3_column_text(stmt, 1));
        json_t *list = json_object_get(by_record, key);
        if (!list) {
            list = json_array();
            if (!list || json_object_set_new(by_record, key, list) != 0) {
                status = FR_ENOMEM;
                goto out;
            }
        }
        json_t *c = json_pack("{s:o, s:o, s:o, s:o}", "source", column_json(stmt, 2),
                              "quoted_in", column_json(stmt, 3), "quote",
                              column_json(stmt, 4), "quote_en", column_json(stmt, 5));
        if (!c || json_array_append_new(list, c) != 0) {
            status = FR_ENOMEM;
            goto out;
        }
    }
    if (rc != SQLITE_DONE)
        status = load_fail(db, "citations", error, error_size);
out:
    if (status == FR_ENOMEM)
        snprintf(error, error_size, "out of memory reading citations");
    sqlite3_finalize(stmt);
    return status;
}

/* Loads one table. Entities go into out[name] and index[name]; children and
 * links are appended to their parents found through index. */
static enum fr_status load_table(sqlite3 *db, const struct schema_table *table, json_t *out,
                                 json_t *index, json_t *citations, char *error,
                                 size_t error_size)
{
    struct schema_layout layout;
    sqlite3_stmt *stmt = NULL;
    json_t *list = NULL, *by_id = NULL, *parents = NULL;
    enum fr_status status;
    char sql[256];
    char key[160];
    int rc;

    status = schema_layout_load(db, table->name, &layout, error, error_size);
    if (status != FR_OK)
        return status;
    if (table->kind == SCHEMA_LINK)
        snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s ORDER BY %s, position",
                 table->parent_column, table->value_column, table->name,
                 table->parent_column);
    else
        snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY id", table->name);
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return load_fail(db, table->name, error, error_size);

    status = FR_ENOMEM;
    if (table->kind == SCHEMA_ENTITY) {
        list = json_array();
        by_id = json_object();
        if (!list || !by_id)
            goto out;
    } else {
        /* Every parent gets the key, so an empty list is [] and not absent. */
        parents = json_object_get(index, table->parent);
        const char *pid;
        json_t *parent;
        json_object_foreach(parents, pid, parent) {
            if (json_object_set_new(parent, table->json_key, json_array()) != 0)
                goto out;
        }
    }

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (table->kind == SCHEMA_LINK) {
            json_t *parent = json_object_get(parents, (const char *)sqlite3_column_text(stmt, 0));
            json_t *arr = json_object_get(parent, table->json_key);
            if (!arr || json_array_append_new(arr, column_json(stmt, 1)) != 0)
                goto out;
            continue;
        }
        json_t *record = row_json(stmt, &layout);
        if (!record)
            goto out;
        const char *id = json_string_value(json_object_get(record, "id"));
        snprintf(key, sizeof(key), "%s/%s", table->name, id ? id : "");
        json_t *cites = json_object_get(citations, key);
        if (json_object_set_new(record, "citations", cites ? json_incref(cites) : json_array())) {
            json_decref(record);
            goto out;
        }
        if (table->kind == SCHEMA_ENTITY) {
            if (json_object_set(by_id, id ? id : "", record) != 0 ||
                json_array_append_new(list, record) != 0)
                goto out;
        } else {
            json_t *parent = json_object_get(
                parents, json_string_value(json_object_get(record, table->parent_column)));
            json_t *arr = json_object_get(parent, table->json_key);
            json_object_del(record, table->parent_column);
            if (!arr || json_array_append_new(arr, record) != 0)
                goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        status = load_fail(db, table->name, error, error_size);
        goto out;
    }
    if (table->kind == SCHEMA_ENTITY) {
        if (json_object_set(out, table->name, list) != 0 ||
            json_object_set(index, table->name, by_id) != 0)
            goto out;
    }
    status = FR_OK;
out:
    if (status == FR_ENOMEM)
        snprintf(error, error_size, "out of memory reading %s", table->name);
    json_decref(list);
    json_decref(by_id);
    sqlite3_finalize(stmt);
    return status;
}

enum fr_status schema_load(sqlite3 *db, json_t **out, char *error, size_t error_size)
{
    json_t *result = json_object();
    json_t *index = json_object();
    json_t *citations = json_object();
    enum fr_status status = FR_ENOMEM;

    *out = NULL;
    if (!result || !index || !citations) {
        snprintf(error, error_size, "out of memory");
        goto out;
    }
    status = load_citations(db, citations, error, error_size);
    for (const struct schema_table *t = schema_tables; status == FR_OK && t->name; t++)
        status = load_table(db, t, result, index, citations, error, error_size);
    if (status == FR_OK) {
        *out = result;
        result = NULL;
    }
out:
    json_decref(result);
    json_decref(index);
    json_decref(citations);
    return status;
}
