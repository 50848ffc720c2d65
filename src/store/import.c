/*
 * Importing JSON records into the tables, with their children, links and
 * citations. It validates what it imports (unknown fields, wrong types, bad
 * dates and money, missing provenance) and names the JSON Pointer of every
 * problem, so a bad seed file or, later, a bad write is refused with a
 * message a person can act on.
 */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/date.h"
#include "frontier/money.h"

/* ---- import ------------------------------------------------------------ */

#define POINTER_MAX 512

/* JSON Pointers for messages: base + "/" + a member or an index. A pointer
 * too deep to print is cut; the message stays readable. */
static void pointer_member(char out[POINTER_MAX], const char *base, const char *member)
{
    if (snprintf(out, POINTER_MAX, "%s/%s", base, member) >= POINTER_MAX)
        out[POINTER_MAX - 1] = '\0';
}

static void pointer_index(char out[POINTER_MAX], const char *base, size_t index)
{
    if (snprintf(out, POINTER_MAX, "%s/%zu", base, index) >= POINTER_MAX)
        out[POINTER_MAX - 1] = '\0';
}

struct import {
    struct schema_cache *cache;
    sqlite3 *db;
    const char *path; /* the input's name, for messages */
    char *error;
    size_t error_size;
};

__attribute__((format(printf, 3, 4)))
static enum fr_status import_fail(struct import *im, const char *pointer, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    snprintf(im->error, im->error_size, "%s: %s: %s", im->path,
             pointer[0] ? pointer : "/", detail);
    return FR_EINVAL;
}

/* A column value ready to bind: NULL, integer, real or borrowed text. */
struct value {
    int type; /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT */
    long long integer;
    double real;
    const char *text;
};

struct row {
    bool present[SCHEMA_MAX_COLUMNS];
    struct value values[SCHEMA_MAX_COLUMNS];
};

static void row_set_text(struct row *row, int column, const char *text)
{
    row->present[column] = true;
    row->values[column].type = text ? SQLITE_TEXT : SQLITE_NULL;
    row->values[column].text = text;
}

static void row_set_integer(struct row *row, int column, long long v)
{
    row->present[column] = true;
    row->values[column].type = SQLITE_INTEGER;
    row->values[column].integer = v;
}

static void row_set_null(struct row *row, int column)
{
    row->present[column] = true;
    row->values[column].type = SQLITE_NULL;
}

/* Refuses members of obj not in allowed (NULL-ended), naming what they
 * belong to ("date") and what is expected. */
static enum fr_status check_members(struct import *im, const json_t *obj,
                                    const char *const *allowed, const char *what,
                                    const char *pointer)
{
    const char *key;
    json_t *member;
    json_object_foreach((json_t *)obj, key, member) {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key) != 0)
            a++;
        if (*a)
            continue;
        char expected[128] = "";
        size_t used = 0;
        for (a = allowed; *a && used < sizeof(expected); a++)
            used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s",
                                     a == allowed ? "" : ", ", *a);
        return import_fail(im, pointer, "unknown %s member '%s' (expected %s)", what, key,
                           expected);
    }
    return FR_OK;
}

static enum fr_status import_date(struct import *im, const struct schema_field *f,
                                  const json_t *value, const char *pointer, struct row *row)
{
    static const char *const members[] = {"value", "precision", "qualifier", NULL};
    if (check_members(im, value, members, "date", pointer) != FR_OK)
        return FR_EINVAL;
    const json_t *v = json_object_get(value, "value");
    const json_t *p = json_object_get(value, "precision");
    const json_t *q = json_object_get(value, "qualifier");
    if (!json_is_string(v) || !json_is_string(p))
        return import_fail(im, pointer, "%s",
                           "a date needs string members 'value' and 'precision'");
    if (q && !json_is_null(q) && !json_is_string(q))
        return import_fail(im, pointer, "%s", "a date's 'qualifier' must be a string or null");

    struct fr_date date;
    const char *why = NULL;
    const char *qualifier = json_is_string(q) ? json_string_value(q) : NULL;
    if (fr_date_parse(json_string_value(v), json_string_value(p), qualifier, &date, &why) != FR_OK)
        return import_fail(im, pointer, "invalid date: %s", why ? why : "not a date");
    if (f->column_count < 3 && qualifier)
        return import_fail(im, pointer, "%s", "this date takes no qualifier");

    row_set_text(row, f->columns[0], json_string_value(v));
    row_set_text(row, f->columns[1], json_string_value(p));
    if (f->column_count == 3)
        row_set_text(row, f->columns[2], qualifier);
    return FR_OK;
}

static enum fr_status import_money(struct import *im, const struct schema_field *f,
                                   const json_t *value, const char *pointer, struct row *row)
{
    static const char *const members[] = {"amount_minor", "currency", "approximate", NULL};
    if (check_members(im, value, members, "money", pointer) != FR_OK)
        return FR_EINVAL;
    const json_t *minor = json_object_get(value, "amount_minor");
    const json_t *currency = json_object_get(value, "currency");
    const json_t *approx = json_object_get(value, "approximate");
    if (!json_is_integer(minor))
        return import_fail(im, pointer, "%s",
                           "money needs an integer 'amount_minor' (minor units, never a float)");
    if (!json_is_string(currency))
        return import_fail(im, pointer, "%s", "money needs a string 'currency' (ISO 4217)");
    if (approx && !json_is_boolean(approx))
        return import_fail(im, pointer, "%s", "money's 'approximate' must be true or false");

    struct fr_money money = {.minor = json_integer_value(minor), .approximate = json_is_true(approx)};
    const char *code = json_string_value(currency);
    if (strlen(code) != 3)
        return import_fail(im, pointer, "currency '%s' is not an ISO 4217 code", code);
    memcpy(money.currency, code, 4);
    const char *why = NULL;
    if (fr_money_validate(&money, &why) != FR_OK)
        return import_fail(im, pointer, "invalid money: %s", why ? why : "rejected");

    row_set_integer(row, f->columns[0], money.minor);
    row_set_text(row, f->columns[1], code);
    if (f->column_count == 3)
        row_set_integer(row, f->columns[2], money.approximate);
    else if (money.approximate)
        return import_fail(im, pointer, "%s", "this amount cannot be approximate");
    return FR_OK;
}

static enum fr_status import_plain(struct import *im, const struct schema_field *f,
                                   const json_t *value, const char *pointer, struct row *row)
{
    int column = f->columns[0];
    if (json_is_null(value)) {
        row_set_null(row, column);
        return FR_OK;
    }
    switch (f->kind) {
    case SCHEMA_FIELD_BOOL:
        if (!json_is_boolean(value))
            return import_fail(im, pointer, "%s", "expected true or false");
        row_set_integer(row, column, json_is_true(value));
        return FR_OK;
    case SCHEMA_FIELD_PLAIN:
        break;
    case SCHEMA_FIELD_DATE:
    case SCHEMA_FIELD_MONEY:
        return FR_EINVAL;
    }
    switch (f->type) {
    case SQLITE_INTEGER:
        if (!json_is_integer(value))
            return import_fail(im, pointer, "%s", "expected an integer");
        row_set_integer(row, column, json_integer_value(value));
        return FR_OK;
    case SQLITE_FLOAT:
        if (!json_is_number(value))
            return import_fail(im, pointer, "%s", "expected a number");
        row->present[column] = true;
        row->values[column].type = SQLITE_FLOAT;
        row->values[column].real = json_number_value(value);
        return FR_OK;
    default:
        if (!json_is_string(value))
            return import_fail(im, pointer, "%s", "expected a string");
        row_set_text(row, column, json_string_value(value));
        return FR_OK;
    }
}

/* The connection's prepared statement for sql (see cache.c). */
static enum fr_status prepare(struct import *im, const char *sql, const char *pointer,
                              sqlite3_stmt **stmt)
{
    enum fr_status status = schema_cache_statement(im->cache, sql, stmt);
    if (status == FR_ENOMEM)
        return import_fail(im, pointer, "%s", "out of memory");
    if (status != FR_OK)
        return import_fail(im, pointer, "%s", sqlite3_errmsg(im->db));
    return FR_OK;
}

/* Runs one INSERT of the columns present in row. */
static enum fr_status row_insert(struct import *im, const char *table,
                                 const struct schema_layout *layout, const struct row *row,
                                 const char *pointer)
{
    char sql[4096];
    size_t used = 0;
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    int n = 0;

    used += (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s (", table);
    for (int i = 0; i < layout->column_count; i++) {
        if (!row->present[i])
            continue;
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s%s", n ? "," : "",
                                 layout->columns[i]);
        n++;
        if (used >= sizeof(sql))
            return import_fail(im, pointer, "%s", "too many columns");
    }
    used += (size_t)snprintf(sql + used, sizeof(sql) - used, ") VALUES (");
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s?", i ? "," : "");
    used += (size_t)snprintf(sql + used, sizeof(sql) - used, ")");
    if (used >= sizeof(sql))
        return import_fail(im, pointer, "%s", "too many columns");

    status = prepare(im, sql, pointer, &stmt);
    if (status != FR_OK)
        return status;
    int index = 1;
    for (int i = 0; i < layout->column_count; i++) {
        if (!row->present[i])
            continue;
        const struct value *v = &row->values[i];
        int rc = SQLITE_OK;
        switch (v->type) {
        case SQLITE_INTEGER:
            rc = sqlite3_bind_int64(stmt, index, v->integer);
            break;
        case SQLITE_FLOAT:
            rc = sqlite3_bind_double(stmt, index, v->real);
            break;
        case SQLITE_TEXT:
            rc = sqlite3_bind_text(stmt, index, v->text, -1, SQLITE_STATIC);
            break;
        default:
            rc = sqlite3_bind_null(stmt, index);
            break;
        }
        if (rc != SQLITE_OK) {
            status = import_fail(im, pointer, "%s", sqlite3_errmsg(im->db));
            goto out;
        }
        index++;
    }
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(im->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
            status = import_fail(im, pointer, "%s", "a record with this id already exists");
        else
            status = import_fail(im, pointer, "%s", sqlite3_errmsg(im->db));
    }
out:
    sqlite3_reset(stmt);
    return status;
}

static const char *const citation_members[] = {"source", "quoted_in", "quote", "quote_en",
                                               NULL};

static enum fr_status import_citations(struct import *im, const char *table, const char *id,
                                       const json_t *citations, const char *pointer)
{
    static const char sql[] =
        "INSERT INTO citations (record_table, record_id, position, source, quoted_in, "
        "quote, quote_en) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char at[POINTER_MAX];

    if (!json_is_array(citations) || json_array_size(citations) == 0)
        return import_fail(im, pointer, "%s",
                           "'citations' must be a non-empty array: every fact needs a "
                           "source and a quote");
    status = prepare(im, sql, pointer, &stmt);
    if (status != FR_OK)
        return status;

    size_t i;
    json_t *c;
    json_array_foreach(citations, i, c) {
        pointer_index(at, pointer, i);
        if (!json_is_object(c)) {
            status = import_fail(im, at, "%s", "a citation must be an object");
            goto out;
        }
        status = check_members(im, c, citation_members, "citation", at);
        if (status != FR_OK)
            goto out;
        const json_t *source = json_object_get(c, "source");
        const json_t *quoted_in = json_object_get(c, "quoted_in");
        const json_t *quote = json_object_get(c, "quote");
        const json_t *quote_en = json_object_get(c, "quote_en");
        if (!json_is_string(source) || !json_is_string(quote) ||
            json_string_length(quote) == 0) {
            status = import_fail(im, at, "%s",
                                 "a citation needs a 'source' id and a non-empty 'quote'");
            goto out;
        }
        if ((quoted_in && !json_is_string(quoted_in)) ||
            (quote_en && !json_is_null(quote_en) && !json_is_string(quote_en))) {
            status = import_fail(im, at, "%s", "'quoted_in' and 'quote_en' must be strings");
            goto out;
        }
        sqlite3_reset(stmt);
        sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, (sqlite3_int64)i);
        sqlite3_bind_text(stmt, 4, json_string_value(source), -1, SQLITE_STATIC);
        /* A quote taken from the source itself needs no separate document. */
        sqlite3_bind_text(stmt, 5, json_string_value(quoted_in ? quoted_in : source), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, json_string_value(quote), -1, SQLITE_STATIC);
        if (json_is_string(quote_en))
            sqlite3_bind_text(stmt, 7, json_string_value(quote_en), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, 7);
        if (sqlite3_step(stmt) != SQLITE_DONE) {
            status = import_fail(im, at, "%s", sqlite3_errmsg(im->db));
            goto out;
        }
    }
out:
    sqlite3_reset(stmt);
    return status;
}

static enum fr_status import_record(struct import *im, const struct schema_table *table,
                                    const json_t *record, const char *parent_id,
                                    const char *pointer);

static enum fr_status import_link(struct import *im, const struct schema_table *link,
                                  const json_t *values, const char *parent_id,
                                  const char *pointer)
{
    char sql[256];
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char at[POINTER_MAX];

    if (!json_is_array(values))
        return import_fail(im, pointer, "%s", "expected an array of ids");
    snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, position, %s) VALUES (?, ?, ?)",
             link->name, link->parent_column, link->value_column);
    status = prepare(im, sql, pointer, &stmt);
    if (status != FR_OK)
        return status;
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        pointer_index(at, pointer, i);
        if (!json_is_string(v)) {
            status = import_fail(im, at, "%s", "expected an id string");
            goto out;
        }
        sqlite3_reset(stmt);
        sqlite3_bind_text(stmt, 1, parent_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
        sqlite3_bind_text(stmt, 3, json_string_value(v), -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE) {
            status = import_fail(im, at, "%s", sqlite3_errmsg(im->db));
            goto out;
        }
    }
out:
    sqlite3_reset(stmt);
    return status;
}

/* The child or link table of parent whose JSON key is key, or NULL. */
static const struct schema_table *nested_table(const struct schema_table *parent,
                                               const char *key)
{
    for (const struct schema_table *t = schema_tables; t->name; t++) {
        if (t->kind != SCHEMA_ENTITY && strcmp(t->parent, parent->name) == 0 &&
            strcmp(t->json_key, key) == 0)
            return t;
    }
    return NULL;
}

static enum fr_status import_record(struct import *im, const struct schema_table *table,
                                    const json_t *record, const char *parent_id,
                                    const char *pointer)
{
    const struct schema_layout *layout = NULL;
    struct row row;
    char at[POINTER_MAX];
    enum fr_status status;

    if (!json_is_object(record))
        return import_fail(im, pointer, "%s", "expected an object");
    status = schema_cache_layout(im->cache, table->name, &layout, im->error, im->error_size);
    if (status != FR_OK)
        return status;
    memset(&row, 0, sizeof(row));

    const json_t *id = json_object_get(record, "id");
    if (!json_is_string(id))
        return import_fail(im, pointer, "%s", "every record needs a string 'id'");

    const char *key;
    json_t *value;
    json_object_foreach((json_t *)record, key, value) {
        pointer_member(at, pointer, key);
        if (strcmp(key, "citations") == 0 || nested_table(table, key))
            continue;
        if (table->kind == SCHEMA_CHILD && strcmp(key, table->parent_column) == 0)
            return import_fail(im, at, "'%s' is implied by the enclosing record", key);
        const struct schema_field *f = schema_layout_field(layout, key);
        if (!f)
            return import_fail(im, at, "unknown field '%s'", key);
        if ((f->kind == SCHEMA_FIELD_DATE || f->kind == SCHEMA_FIELD_MONEY) && json_is_null(value))
            continue;
        switch (f->kind) {
        case SCHEMA_FIELD_DATE:
            status = json_is_object(value) ? import_date(im, f, value, at, &row)
                                           : import_fail(im, at, "%s",
                                                         "expected a date object {value, "
                                                         "precision, qualifier}");
            break;
        case SCHEMA_FIELD_MONEY:
            status = json_is_object(value) ? import_money(im, f, value, at, &row)
                                           : import_fail(im, at, "%s",
                                                         "expected a money object "
                                                         "{amount_minor, currency}");
            break;
        default:
            status = import_plain(im, f, value, at, &row);
            break;
        }
        if (status != FR_OK)
            return status;
    }
    if (table->kind == SCHEMA_CHILD) {
        int column = schema_layout_column(layout, table->parent_column);
        if (column < 0)
            return import_fail(im, pointer, "%s", "the schema lacks the parent column");
        row_set_text(&row, column, parent_id);
    }

    status = row_insert(im, table->name, layout, &row, pointer);
    if (status != FR_OK)
        return status;

    pointer_member(at, pointer, "citations");
    status = import_citations(im, table->name, json_string_value(id),
                              json_object_get(record, "citations"), at);
    if (status != FR_OK)
        return status;

    json_object_foreach((json_t *)record, key, value) {
        const struct schema_table *nested = nested_table(table, key);
        if (!nested)
            continue;
        pointer_member(at, pointer, key);
        if (nested->kind == SCHEMA_LINK) {
            status = import_link(im, nested, value, json_string_value(id), at);
        } else if (!json_is_array(value)) {
            status = import_fail(im, at, "%s", "expected an array of records");
        } else {
            size_t i;
            json_t *child;
            char child_at[POINTER_MAX];
            json_array_foreach(value, i, child) {
                pointer_index(child_at, at, i);
                status = import_record(im, nested, child, json_string_value(id), child_at);
                if (status != FR_OK)
                    break;
            }
        }
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

enum fr_status schema_import(struct schema_cache *cache, const struct schema_table *table,
                             const json_t *records, const char *path,
                             char *error, size_t error_size)
{
    struct import im = {.cache = cache, .db = schema_cache_db(cache), .path = path, .error = error, .error_size = error_size};
    char at[POINTER_MAX];

    if (table->kind != SCHEMA_ENTITY)
        return import_fail(&im, "", "%s is not a top-level table", table->name);
    if (!json_is_array(records))
        return import_fail(&im, "", "%s", "expected a JSON array of records");
    size_t i;
    json_t *record;
    json_array_foreach(records, i, record) {
        pointer_index(at, "", i);
        enum fr_status status = import_record(&im, table, record, NULL, at);
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

