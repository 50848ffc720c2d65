/*
 * Importing JSON records into the tables, with their children, links and
 * citations. It validates what it imports (unknown, read-only and derived
 * members, wrong types, bad dates and money, missing provenance, the
 * schema's NOT NULL and CHECK constraints and, for writes, unknown
 * references and children's ids already taken) and keeps going after a
 * problem, so that every problem of a record is found at once, each named by
 * its JSON Pointer: a bad seed file or a bad write is refused with a list a
 * person can act on. Nothing is inserted once a problem has been found; what
 * SQLite still refuses at the INSERT is reported in the same shape.
 */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/date.h"
#include "frontier/money.h"

#define POINTER_MAX 512
#define DETAIL_MAX 512

/* Cuts a UTF-8 sequence that a truncation left incomplete at the end of s:
 * the text goes into JSON strings, which must be valid UTF-8. */
static void utf8_trim(char *s)
{
    size_t n = strlen(s), start = n;
    while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    unsigned char lead = (unsigned char)s[start - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (start - 1) < need)
        s[start - 1] = '\0';
}

/* JSON Pointers (RFC 6901): base + "/" + a member, '~' and '/' escaped, or
 * base + "/" + an index. A pointer too deep to print is cut; the detail
 * still says what is wrong. */
static void pointer_member(char out[POINTER_MAX], const char *base, const char *member)
{
    size_t used = (size_t)snprintf(out, POINTER_MAX, "%s/", base);
    for (const char *c = member; used < POINTER_MAX && *c; c++) {
        const char *piece = *c == '~' ? "~0" : *c == '/' ? "~1" : NULL;
        size_t len = piece ? 2 : 1;
        if (used + len >= POINTER_MAX)
            break;
        memcpy(out + used, piece ? piece : c, len);
        used += len;
    }
    out[used < POINTER_MAX ? used : POINTER_MAX - 1] = '\0';
    utf8_trim(out);
}

static void pointer_index(char out[POINTER_MAX], const char *base, size_t index)
{
    if (snprintf(out, POINTER_MAX, "%s/%zu", base, index) >= POINTER_MAX) {
        out[POINTER_MAX - 1] = '\0';
        utf8_trim(out);
    }
}

struct import {
    struct schema_cache *cache;
    sqlite3 *db;
    json_t *errors;        /* every problem found: [{"pointer", "detail"}] */
    json_t *keys;          /* writes: {table: {id: pointer}} of each child seen */
    bool check_references; /* writes; a seed relies on the deferred foreign keys */
    const struct schema_table *top; /* the top-level record being imported ... */
    const char *top_id;             /* ... and its id (NULL if it has none) */
    const char *path;      /* the input's name for messages, or NULL */
    char *error;           /* FR_EDB, FR_ENOMEM: why */
    size_t error_size;
};

/* Records one problem of the input and lets the import go on; only running
 * out of memory stops it. */
__attribute__((format(printf, 3, 4)))
static enum fr_status problem(struct import *im, const char *pointer, const char *fmt, ...)
{
    char detail[DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    utf8_trim(detail);
    json_t *e = json_pack("{s:s, s:s}", "pointer", pointer, "detail", detail);
    if (!e || json_array_append_new(im->errors, e) != 0) {
        snprintf(im->error, im->error_size, "out of memory");
        return FR_ENOMEM;
    }
    return FR_OK;
}

/* A failure that is not the input's fault: the database's or memory's. */
static enum fr_status fatal(struct import *im, enum fr_status status, const char *pointer,
                            const char *why)
{
    if (im->path)
        snprintf(im->error, im->error_size, "%s: %s: %s", im->path, pointer[0] ? pointer : "/",
                 why);
    else
        snprintf(im->error, im->error_size, "%s: %s", pointer[0] ? pointer : "/", why);
    return status;
}

static bool clean(const struct import *im)
{
    return json_array_size(im->errors) == 0;
}

/* The column values of one INSERT, ready to bind. */
struct row {
    bool present[SCHEMA_MAX_COLUMNS];
    struct schema_value values[SCHEMA_MAX_COLUMNS];
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

static bool listed(const char *const *list, const char *name)
{
    for (; *list; list++) {
        if (strcmp(*list, name) == 0)
            return true;
    }
    return false;
}

/* Refuses each member of obj not in allowed (NULL-ended), naming what they
 * belong to ("date") and what is expected. The members the API adds when it
 * serves a value (derived, NULL-ended) get their own explanation: clients
 * that send back what they read must learn to drop them. */
static enum fr_status check_members(struct import *im, const json_t *obj,
                                    const char *const *allowed, const char *const *derived,
                                    const char *derived_from, const char *what,
                                    const char *pointer)
{
    const char *key;
    json_t *member;
    char at[POINTER_MAX];
    json_object_foreach((json_t *)obj, key, member) {
        if (listed(allowed, key))
            continue;
        pointer_member(at, pointer, key);
        enum fr_status status;
        if (derived && listed(derived, key)) {
            status = problem(im, at,
                             "'%s' is derived from %s when the API serves the record; "
                             "do not send it", key, derived_from);
        } else {
            char expected[128] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof(expected); a++)
                used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s",
                                         a == allowed ? "" : ", ", *a);
            status = problem(im, at, "unknown %s member '%s' (expected %s)", what, key,
                             expected);
        }
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

/* Whether table has a row whose column is value. table and column come
 * from the schema, never from input. */
static enum fr_status row_exists(struct import *im, const char *table, const char *column,
                                 const char *value, const char *pointer, bool *exists)
{
    char sql[256];
    sqlite3_stmt *stmt = NULL;

    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE %s = ?1", table, column);
    enum fr_status status = schema_cache_statement(im->cache, sql, &stmt);
    if (status != FR_OK)
        return fatal(im, status, pointer,
                     status == FR_ENOMEM ? "out of memory" : sqlite3_errmsg(im->db));
    sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    *exists = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = fatal(im, FR_EDB, pointer, sqlite3_errmsg(im->db));
    sqlite3_reset(stmt);
    return status;
}

/* Writes must not leave a reference dangling: SQLite's deferred check would
 * only refuse the COMMIT without saying which one. A reference to the
 * record being imported itself is fine (a source citing itself). */
static enum fr_status check_reference(struct import *im, const char *table, const char *column,
                                      const char *id, const char *pointer)
{
    bool exists = false;

    if (!im->check_references)
        return FR_OK;
    if (im->top_id && strcmp(table, im->top->name) == 0 && strcmp(column, "id") == 0 &&
        strcmp(id, im->top_id) == 0)
        return FR_OK;
    enum fr_status status = row_exists(im, table, column, id, pointer, &exists);
    if (status == FR_OK && !exists)
        status = problem(im, pointer, "no %s record with id '%s'", table, id);
    return status;
}

/* The reference check of a column, when the column is a foreign key. */
static enum fr_status check_column_reference(struct import *im,
                                             const struct schema_layout *layout, int column,
                                             const char *id, const char *pointer)
{
    if (column < 0 || !layout->ref_tables[column][0])
        return FR_OK;
    return check_reference(im, layout->ref_tables[column], layout->ref_columns[column], id,
                           pointer);
}

/* The members of a date and of money, in the order of their columns in
 * struct schema_field. */
static const char *const date_members[] = {"value", "precision", "qualifier", NULL};
static const char *const money_members[] = {"amount_minor", "currency", "approximate", NULL};

static enum fr_status import_date(struct import *im, const struct schema_field *f,
                                  const json_t *value, const char *pointer, struct row *row)
{
    static const char *const derived[] = {"display", "earliest", "latest", NULL};
    char at[POINTER_MAX];
    size_t before = json_array_size(im->errors);
    enum fr_status status = check_members(im, value, date_members, derived,
                                          "value, precision and qualifier", "date", pointer);
    if (status != FR_OK)
        return status;
    const json_t *v = json_object_get(value, "value");
    const json_t *p = json_object_get(value, "precision");
    const json_t *q = json_object_get(value, "qualifier");
    if (!json_is_string(v)) {
        pointer_member(at, pointer, "value");
        status = problem(im, at, "%s", "a date needs a string 'value', such as \"2025-07\"");
    }
    if (status == FR_OK && !json_is_string(p)) {
        pointer_member(at, pointer, "precision");
        status = problem(im, at, "%s",
                         "a date needs a string 'precision': year, quarter, month, week, "
                         "day or minute");
    }
    if (status == FR_OK && q && !json_is_null(q) && !json_is_string(q)) {
        pointer_member(at, pointer, "qualifier");
        status = problem(im, at, "%s", "a date's 'qualifier' must be a string or null");
    }
    if (status != FR_OK || json_array_size(im->errors) > before)
        return status;

    struct fr_date date;
    const char *why = NULL;
    const char *qualifier = json_is_string(q) ? json_string_value(q) : NULL;
    if (fr_date_parse(json_string_value(v), json_string_value(p), qualifier, &date, &why) != FR_OK)
        return problem(im, pointer, "invalid date: %s", why ? why : "not a date");
    if (f->column_count < 3 && qualifier) {
        pointer_member(at, pointer, "qualifier");
        return problem(im, at, "%s", "this date takes no qualifier");
    }
    row_set_text(row, f->columns[0], json_string_value(v));
    row_set_text(row, f->columns[1], json_string_value(p));
    if (f->column_count == 3)
        row_set_text(row, f->columns[2], qualifier);
    return FR_OK;
}

static enum fr_status import_money(struct import *im, const struct schema_field *f,
                                   const json_t *value, const char *pointer, struct row *row)
{
    static const char *const derived[] = {"amount", NULL};
    char at[POINTER_MAX];
    size_t before = json_array_size(im->errors);
    enum fr_status status = check_members(im, value, money_members, derived,
                                          "amount_minor and currency", "money", pointer);
    if (status != FR_OK)
        return status;
    const json_t *minor = json_object_get(value, "amount_minor");
    const json_t *currency = json_object_get(value, "currency");
    const json_t *approx = json_object_get(value, "approximate");
    if (!json_is_integer(minor)) {
        pointer_member(at, pointer, "amount_minor");
        status = problem(im, at, "%s",
                         "money needs an integer 'amount_minor' (minor units, never a float)");
    }
    if (status == FR_OK && !json_is_string(currency)) {
        pointer_member(at, pointer, "currency");
        status = problem(im, at, "%s", "money needs a string 'currency' (ISO 4217)");
    } else if (status == FR_OK && json_string_length(currency) != 3) {
        pointer_member(at, pointer, "currency");
        status = problem(im, at, "currency '%s' is not an ISO 4217 code",
                         json_string_value(currency));
    }
    if (status == FR_OK && approx && !json_is_boolean(approx)) {
        pointer_member(at, pointer, "approximate");
        status = problem(im, at, "%s", "money's 'approximate' must be true or false");
    } else if (status == FR_OK && json_is_true(approx) && f->column_count < 3) {
        pointer_member(at, pointer, "approximate");
        status = problem(im, at, "%s", "this amount cannot be approximate");
    }
    if (status != FR_OK || json_array_size(im->errors) > before)
        return status;

    struct fr_money money = {.minor = json_integer_value(minor), .approximate = json_is_true(approx)};
    const char *code = json_string_value(currency);
    memcpy(money.currency, code, 4);
    const char *why = NULL;
    if (fr_money_validate(&money, &why) != FR_OK)
        return problem(im, pointer, "invalid money: %s", why ? why : "rejected");

    row_set_integer(row, f->columns[0], money.minor);
    row_set_text(row, f->columns[1], code);
    if (f->column_count == 3)
        row_set_integer(row, f->columns[2], money.approximate);
    return FR_OK;
}

static enum fr_status import_plain(struct import *im, const struct schema_layout *layout,
                                   const struct schema_field *f, const json_t *value,
                                   const char *pointer, struct row *row)
{
    int column = f->columns[0];
    if (json_is_null(value)) {
        row_set_null(row, column);
        return FR_OK;
    }
    if (f->kind == SCHEMA_FIELD_BOOL) {
        if (!json_is_boolean(value))
            return problem(im, pointer, "%s", "expected true or false");
        row_set_integer(row, column, json_is_true(value));
        return FR_OK;
    }
    switch (f->type) {
    case SQLITE_INTEGER:
        if (!json_is_integer(value))
            return problem(im, pointer, "%s", "expected an integer");
        row_set_integer(row, column, json_integer_value(value));
        return FR_OK;
    case SQLITE_FLOAT:
        if (!json_is_number(value))
            return problem(im, pointer, "%s", "expected a number");
        row->present[column] = true;
        row->values[column].type = SQLITE_FLOAT;
        row->values[column].real = json_number_value(value);
        return FR_OK;
    default:
        if (!json_is_string(value))
            return problem(im, pointer, "%s", "expected a string");
        row_set_text(row, column, json_string_value(value));
        return check_column_reference(im, layout, column, json_string_value(value), pointer);
    }
}

/* ---- the schema's constraints, judged before the INSERT ---------------- */

/* An INSERT stops at the first constraint that fails, and only once
 * everything else is right; these name each of them at once, in words. */

static const char already_exists[] = "a record with this id already exists";

/* Where in the record at field_at (a field's pointer) a column's value comes
 * from: the field itself or, in a date or money, the column's member; member
 * receives that member's name. */
static void column_member(char out[POINTER_MAX], const char *field_at,
                          const struct schema_field *f, int column, const char **member)
{
    const char *const *members = f->kind == SCHEMA_FIELD_DATE    ? date_members
                                 : f->kind == SCHEMA_FIELD_MONEY ? money_members
                                                                 : NULL;
    *member = f->name;
    memmove(out, field_at, strlen(field_at) + 1);
    for (int c = 0; members && c < f->column_count; c++) {
        if (f->columns[c] == column) {
            pointer_member(out, field_at, members[c]);
            *member = members[c];
        }
    }
}

/* The NOT NULL and CHECK constraints of one column on its value (member
 * names it in messages). One problem at most: a value refused twice needs
 * one fix. */
static enum fr_status check_value(struct import *im, const struct schema_layout *layout,
                                  int column, const struct schema_value *value,
                                  const char *pointer, const char *member)
{
    if (value->type == SQLITE_NULL) {
        /* A required member is named by check_required, absent or null. */
        if (!layout->not_null[column] || layout->required[column])
            return FR_OK;
        return problem(im, pointer, "'%s' must not be null: leave it out for its default",
                       member);
    }
    for (int i = 0; i < layout->check_count; i++) {
        const struct schema_check *check = &layout->checks[i];
        if (check->column != column || schema_check_allows(check, value))
            continue;
        char detail[DETAIL_MAX];
        schema_check_describe(check, value, detail, sizeof(detail));
        return problem(im, pointer, "%s", detail);
    }
    return FR_OK;
}

/* The constraints on the columns one member (at) filled in. */
static enum fr_status check_field(struct import *im, const struct schema_layout *layout,
                                  const struct schema_field *f, const struct row *row,
                                  const char *at)
{
    char sub[POINTER_MAX];
    const char *member = NULL;
    for (int c = 0; c < f->column_count; c++) {
        int column = f->columns[c];
        if (!row->present[column])
            continue;
        column_member(sub, at, f, column, &member);
        enum fr_status status = check_value(im, layout, column, &row->values[column], sub,
                                            member);
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

/* The constraints on a member whose column has that name, if any (a
 * citation's members, which are its columns). */
static enum fr_status check_named(struct import *im, const struct schema_layout *layout,
                                  const char *name, const char *text, const char *at)
{
    int column = schema_layout_column(layout, name);
    if (column < 0 || !text)
        return FR_OK;
    struct schema_value value = {.type = SQLITE_TEXT, .text = text};
    return check_value(im, layout, column, &value, at, name);
}

/* A child's id (at) must be new, in the database and in the body (record
 * is the child's pointer): for a top-level record the write says so itself,
 * but a child's taken id would only be found by the INSERT, once the rest of
 * the body is right. */
static enum fr_status check_key_free(struct import *im, const struct schema_table *table,
                                     const struct schema_layout *layout, const char *id,
                                     const char *record, const char *at)
{
    bool exists = false;
    if (!im->keys && !(im->keys = json_object()))
        return fatal(im, FR_ENOMEM, at, "out of memory");
    json_t *seen = json_object_get(im->keys, table->name);
    if (!seen && (json_object_set_new(im->keys, table->name, json_object()) != 0 ||
                  !(seen = json_object_get(im->keys, table->name))))
        return fatal(im, FR_ENOMEM, at, "out of memory");
    const json_t *first = json_object_get(seen, id);
    if (first)
        return problem(im, at, "the record at %s has this id already",
                       json_string_value(first));
    if (json_object_set_new(seen, id, json_string(record)) != 0)
        return fatal(im, FR_ENOMEM, at, "out of memory");
    enum fr_status status = row_exists(im, table->name, layout->columns[layout->key_column], id,
                                       at, &exists);
    if (status == FR_OK && exists)
        status = problem(im, at, "%s", already_exists);
    return status;
}

/* The members the store sets on every top-level record (its revision). */
static bool is_revision_member(const char *key)
{
    static const char *const members[] = {"version", "recorded_at", "updated_at", NULL};
    return listed(members, key);
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

/* One member of a record, other than its citations and nested lists. */
static enum fr_status import_member(struct import *im, const struct schema_table *table,
                                    const struct schema_layout *layout, const char *key,
                                    const json_t *value, const char *at, struct row *row)
{
    if (table->kind == SCHEMA_ENTITY && is_revision_member(key))
        return problem(im, at, "'%s' is set by the server (the record's revision); do not send it",
                       key);
    if (table->kind == SCHEMA_CHILD && strcmp(key, table->parent_column) == 0)
        return problem(im, at, "'%s' is implied by the enclosing record", key);
    if (strcmp(key, "id") == 0 && !json_is_string(value))
        return FR_OK; /* reported with the record */
    const struct schema_field *f = schema_layout_field(layout, key);
    if (!f)
        return problem(im, at, "unknown field '%s'", key);
    if (json_is_null(value) && (f->kind == SCHEMA_FIELD_DATE || f->kind == SCHEMA_FIELD_MONEY))
        return FR_OK;
    size_t before = json_array_size(im->errors);
    enum fr_status status;
    switch (f->kind) {
    case SCHEMA_FIELD_DATE:
        status = json_is_object(value)
                     ? import_date(im, f, value, at, row)
                     : problem(im, at, "%s",
                               "expected a date object {value, precision, qualifier}");
        break;
    case SCHEMA_FIELD_MONEY:
        status = json_is_object(value)
                     ? import_money(im, f, value, at, row)
                     : problem(im, at, "%s", "expected a money object {amount_minor, currency}");
        break;
    default:
        status = import_plain(im, layout, f, value, at, row);
        break;
    }
    if (status != FR_OK || json_array_size(im->errors) > before)
        return status;
    return check_field(im, layout, f, row, at);
}

/* Members the table cannot store without: absent or null ones are named
 * here, all of them, instead of by the first NOT NULL failure. */
static enum fr_status check_required(struct import *im, const struct schema_table *table,
                                     const struct schema_layout *layout, const json_t *record,
                                     const char *pointer)
{
    char at[POINTER_MAX];
    for (int i = 0; i < layout->field_count; i++) {
        const struct schema_field *f = &layout->fields[i];
        if (!layout->required[f->columns[0]] ||
            (table->kind == SCHEMA_CHILD && strcmp(f->name, table->parent_column) == 0))
            continue;
        const json_t *v = json_object_get(record, f->name);
        if (v && !json_is_null(v))
            continue;
        pointer_member(at, pointer, f->name);
        enum fr_status status = problem(im, at, "'%s' is required", f->name);
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
}

/* The column a constraint message names: the first of the table's columns
 * that appears as a word in it, or -1. */
static int column_in_message(const struct schema_layout *layout, const char *message)
{
    const char *p = message;
    while (*p) {
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
        if (n > 0 && n < SCHEMA_NAME_MAX) {
            char word[SCHEMA_NAME_MAX];
            memcpy(word, p, n);
            word[n] = '\0';
            int column = schema_layout_column(layout, word);
            if (column >= 0)
                return column;
        }
        p += n ? n : 1;
    }
    return -1;
}

/* A CHECK's SQL as it can be quoted in a sentence: the migrations' line
 * breaks and indentation become one space, and none stays just inside
 * parentheses; string literals are kept as written. */
static void sql_tidy(const char *sql, char *out, size_t size)
{
    size_t used = 0;
    bool in_string = false, space = false;
    for (const char *p = sql; *p && used + 2 < size; p++) {
        bool blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (!in_string && blank) {
            space = used > 0;
            continue;
        }
        if (space && *p != ')' && out[used - 1] != '(')
            out[used++] = ' ';
        space = false;
        if (*p == '\'')
            in_string = !in_string; /* '' inside a literal toggles twice */
        out[used++] = *p;
    }
    out[used] = '\0';
    utf8_trim(out);
}

/* Turns a refused INSERT into a problem at the member it concerns. The
 * constraints the layout judges never get here; what does is a CHECK it
 * cannot read, said in SQL but tidied, or a NOT NULL it did not foresee. */
static enum fr_status constraint_problem(struct import *im, const struct schema_layout *layout,
                                         const char *pointer)
{
    char at[POINTER_MAX], field_at[POINTER_MAX], rule[DETAIL_MAX];
    const char *message = sqlite3_errmsg(im->db);
    int code = sqlite3_extended_errcode(im->db);
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
        pointer_member(at, pointer, "id");
        return problem(im, at, "%s", already_exists);
    }
    const char *colon = strchr(message, ':');
    if (!colon || (code != SQLITE_CONSTRAINT_CHECK && code != SQLITE_CONSTRAINT_NOTNULL))
        return problem(im, pointer, "%s", message);
    const char *text = colon + 1 + strspn(colon + 1, " ");
    if (code == SQLITE_CONSTRAINT_NOTNULL && strrchr(text, '.')) /* "table.column" */
        text = strrchr(text, '.') + 1;

    int column = column_in_message(layout, text);
    const struct schema_field *f = column >= 0 ? schema_layout_field_of(layout, column) : NULL;
    const char *member = column >= 0 ? layout->columns[column] : text;
    if (f) {
        pointer_member(field_at, pointer, f->name);
        column_member(at, field_at, f, column, &member);
    } else if (column >= 0) {
        pointer_member(at, pointer, member);
    } else {
        memmove(at, pointer, strlen(pointer) + 1);
    }
    if (code == SQLITE_CONSTRAINT_NOTNULL)
        return problem(im, at, "'%s' is required", member);
    sql_tidy(text, rule, sizeof(rule));
    return problem(im, at, "not allowed: the database requires %s", rule);
}

/* The connection's prepared statement for sql (see cache.c). */
static enum fr_status prepare(struct import *im, const char *sql, const char *pointer,
                              sqlite3_stmt **stmt)
{
    enum fr_status status = schema_cache_statement(im->cache, sql, stmt);
    if (status != FR_OK)
        return fatal(im, status, pointer,
                     status == FR_ENOMEM ? "out of memory" : sqlite3_errmsg(im->db));
    return FR_OK;
}

/* Runs a prepared INSERT; a refusal by a constraint is the input's problem,
 * any other failure the database's. */
static enum fr_status insert_step(struct import *im, sqlite3_stmt *stmt,
                                  const struct schema_layout *layout, const char *pointer)
{
    enum fr_status status = FR_OK;
    if (sqlite3_step(stmt) != SQLITE_DONE) {
        if ((sqlite3_extended_errcode(im->db) & 0xff) == SQLITE_CONSTRAINT)
            status = constraint_problem(im, layout, pointer);
        else
            status = fatal(im, FR_EDB, pointer, sqlite3_errmsg(im->db));
    }
    sqlite3_reset(stmt);
    return status;
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
    for (int i = 0; i < layout->column_count && used < sizeof(sql); i++) {
        if (!row->present[i])
            continue;
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s%s", n ? "," : "",
                                 layout->columns[i]);
        n++;
    }
    if (used < sizeof(sql))
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, ") VALUES (");
    for (int i = 0; i < n && used < sizeof(sql); i++)
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s?", i ? "," : "");
    if (used < sizeof(sql))
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, ")");
    if (used >= sizeof(sql))
        return fatal(im, FR_ESCHEMA, pointer, "too many columns");

    status = prepare(im, sql, pointer, &stmt);
    if (status != FR_OK)
        return status;
    int index = 1;
    for (int i = 0; i < layout->column_count; i++) {
        if (!row->present[i])
            continue;
        const struct schema_value *v = &row->values[i];
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
            status = fatal(im, FR_EDB, pointer, sqlite3_errmsg(im->db));
            sqlite3_reset(stmt);
            return status;
        }
        index++;
    }
    return insert_step(im, stmt, layout, pointer);
}

/* One citation's members, and its references when writing. */
static enum fr_status check_citation(struct import *im, const struct schema_layout *layout,
                                     const json_t *c, const char *pointer)
{
    static const char *const members[] = {"source", "quoted_in", "quote", "quote_en", NULL};
    char at[POINTER_MAX];
    size_t before = json_array_size(im->errors);
    enum fr_status status = check_members(im, c, members, NULL, NULL, "citation", pointer);
    const json_t *source = json_object_get(c, "source");
    const json_t *quoted_in = json_object_get(c, "quoted_in");
    const json_t *quote = json_object_get(c, "quote");
    const json_t *quote_en = json_object_get(c, "quote_en");

    pointer_member(at, pointer, "source");
    if (status == FR_OK && !json_is_string(source))
        status = problem(im, at, "%s",
                         "a citation needs a 'source' id: every fact needs a source and a quote");
    else if (status == FR_OK)
        status = check_column_reference(im, layout, schema_layout_column(layout, "source"),
                                        json_string_value(source), at);
    pointer_member(at, pointer, "quote");
    if (status == FR_OK && (!json_is_string(quote) || json_string_length(quote) == 0))
        status = problem(im, at, "%s",
                         "a citation needs a non-empty 'quote': every fact needs a source "
                         "and a quote");
    pointer_member(at, pointer, "quoted_in");
    if (status == FR_OK && quoted_in && !json_is_string(quoted_in))
        status = problem(im, at, "%s", "'quoted_in' must be a source id");
    else if (status == FR_OK && quoted_in)
        status = check_column_reference(im, layout, schema_layout_column(layout, "quoted_in"),
                                        json_string_value(quoted_in), at);
    pointer_member(at, pointer, "quote_en");
    if (status == FR_OK && quote_en && !json_is_null(quote_en) && !json_is_string(quote_en))
        status = problem(im, at, "%s", "'quote_en' must be a string or null");
    /* The schema's own rules, on members that are otherwise right. */
    for (const char *const *m = members; status == FR_OK && *m; m++) {
        if (json_array_size(im->errors) > before)
            break;
        pointer_member(at, pointer, *m);
        status = check_named(im, layout, *m, json_string_value(json_object_get(c, *m)), at);
    }
    return status;
}

static enum fr_status import_citations(struct import *im, const char *table, const char *id,
                                       const json_t *citations, const char *pointer)
{
    static const char sql[] =
        "INSERT INTO citations (record_table, record_id, position, source, quoted_in, "
        "quote, quote_en) VALUES (?, ?, ?, ?, ?, ?, ?)";
    const struct schema_layout *layout = NULL;
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char at[POINTER_MAX];

    if (!json_is_array(citations) || json_array_size(citations) == 0)
        return problem(im, pointer, "%s",
                       "'citations' must be a non-empty array: every fact needs a source and "
                       "a quote");
    status = schema_cache_layout(im->cache, "citations", &layout, im->error, im->error_size);
    if (status != FR_OK)
        return status;
    size_t i;
    json_t *c;
    json_array_foreach(citations, i, c) {
        pointer_index(at, pointer, i);
        status = json_is_object(c) ? check_citation(im, layout, c, at)
                                   : problem(im, at, "%s", "a citation must be an object");
        if (status != FR_OK || !clean(im))
            continue;
        if (!stmt && (status = prepare(im, sql, pointer, &stmt)) != FR_OK)
            break;
        const json_t *source = json_object_get(c, "source");
        const json_t *quoted_in = json_object_get(c, "quoted_in");
        const json_t *quote_en = json_object_get(c, "quote_en");
        sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, (sqlite3_int64)i);
        sqlite3_bind_text(stmt, 4, json_string_value(source), -1, SQLITE_STATIC);
        /* A quote taken from the source itself needs no separate document. */
        sqlite3_bind_text(stmt, 5, json_string_value(quoted_in ? quoted_in : source), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, json_string_value(json_object_get(c, "quote")), -1,
                          SQLITE_STATIC);
        if (json_is_string(quote_en))
            sqlite3_bind_text(stmt, 7, json_string_value(quote_en), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, 7);
        status = insert_step(im, stmt, layout, at);
    }
    return status;
}

static enum fr_status import_link(struct import *im, const struct schema_table *link,
                                  const json_t *values, const char *parent_id,
                                  const char *pointer)
{
    char sql[256];
    const struct schema_layout *layout = NULL;
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char at[POINTER_MAX];

    if (!json_is_array(values))
        return problem(im, pointer, "%s", "expected an array of ids");
    status = schema_cache_layout(im->cache, link->name, &layout, im->error, im->error_size);
    if (status != FR_OK)
        return status;
    int value_column = schema_layout_column(layout, link->value_column);
    snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, position, %s) VALUES (?, ?, ?)",
             link->name, link->parent_column, link->value_column);
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        pointer_index(at, pointer, i);
        size_t before = json_array_size(im->errors);
        status = json_is_string(v)
                     ? check_column_reference(im, layout, value_column, json_string_value(v), at)
                     : problem(im, at, "%s", "expected an id string");
        if (status == FR_OK && json_array_size(im->errors) == before)
            status = check_named(im, layout, link->value_column, json_string_value(v), at);
        if (status != FR_OK || !clean(im))
            continue;
        if (!stmt && (status = prepare(im, sql, pointer, &stmt)) != FR_OK)
            break;
        sqlite3_bind_text(stmt, 1, parent_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
        sqlite3_bind_text(stmt, 3, json_string_value(v), -1, SQLITE_STATIC);
        status = insert_step(im, stmt, layout, at);
    }
    return status;
}

static enum fr_status import_record(struct import *im, const struct schema_table *table,
                                    const json_t *record, const char *parent_id,
                                    const char *pointer);

/* The record's children and links, each list under its JSON key. */
static enum fr_status import_nested(struct import *im, const struct schema_table *table,
                                    const json_t *record, const char *id, const char *pointer)
{
    enum fr_status status = FR_OK;
    char at[POINTER_MAX], child_at[POINTER_MAX];
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)record, key, value) {
        const struct schema_table *nested = nested_table(table, key);
        if (!nested)
            continue;
        pointer_member(at, pointer, key);
        if (nested->kind == SCHEMA_LINK) {
            status = import_link(im, nested, value, id, at);
        } else if (!json_is_array(value)) {
            status = problem(im, at, "%s", "expected an array of records");
        } else {
            size_t i;
            json_t *child;
            json_array_foreach(value, i, child) {
                pointer_index(child_at, at, i);
                status = import_record(im, nested, child, id, child_at);
                if (status != FR_OK)
                    break;
            }
        }
        if (status != FR_OK)
            return status;
    }
    return FR_OK;
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
        return problem(im, pointer, "%s", "expected an object");
    status = schema_cache_layout(im->cache, table->name, &layout, im->error, im->error_size);
    if (status != FR_OK)
        return status;
    memset(&row, 0, sizeof(row));

    const char *id = json_string_value(json_object_get(record, "id"));
    if (!id) {
        pointer_member(at, pointer, "id");
        if ((status = problem(im, at, "%s", "every record needs a string 'id'")) != FR_OK)
            return status;
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)record, key, value) {
        if (strcmp(key, "citations") == 0 || nested_table(table, key))
            continue;
        pointer_member(at, pointer, key);
        size_t before = json_array_size(im->errors);
        status = import_member(im, table, layout, key, value, at, &row);
        if (status == FR_OK && json_array_size(im->errors) == before && json_is_string(value) &&
            table->kind == SCHEMA_CHILD && im->check_references && layout->key_column >= 0 &&
            strcmp(key, layout->columns[layout->key_column]) == 0)
            status = check_key_free(im, table, layout, json_string_value(value), pointer, at);
        if (status != FR_OK)
            return status;
    }
    status = check_required(im, table, layout, record, pointer);
    if (status != FR_OK)
        return status;
    if (table->kind == SCHEMA_CHILD) {
        int column = schema_layout_column(layout, table->parent_column);
        if (column < 0)
            return fatal(im, FR_ESCHEMA, pointer, "the schema lacks the parent column");
        row_set_text(&row, column, parent_id);
    }

    if (clean(im)) {
        status = row_insert(im, table->name, layout, &row, pointer);
        if (status != FR_OK)
            return status;
    }
    pointer_member(at, pointer, "citations");
    status = import_citations(im, table->name, id, json_object_get(record, "citations"), at);
    if (status != FR_OK)
        return status;
    return import_nested(im, table, record, id, pointer);
}

enum fr_status schema_import(struct schema_cache *cache, const struct schema_table *table,
                             const json_t *records, const char *path,
                             char *error, size_t error_size)
{
    struct import im = {.cache = cache, .db = schema_cache_db(cache), .errors = json_array(),
                        .top = table, .path = path, .error = error, .error_size = error_size};
    enum fr_status status = FR_OK;
    char at[POINTER_MAX];

    if (!im.errors) {
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    if (table->kind != SCHEMA_ENTITY)
        status = problem(&im, "", "%s is not a top-level table", table->name);
    else if (!json_is_array(records))
        status = problem(&im, "", "%s", "expected a JSON array of records");
    size_t i;
    json_t *record;
    json_array_foreach(records, i, record) {
        if (status != FR_OK || !clean(&im))
            break;
        pointer_index(at, "", i);
        im.top_id = json_string_value(json_object_get(record, "id"));
        status = import_record(&im, table, record, NULL, at);
    }
    json_decref(im.keys);
    if (status == FR_OK && !clean(&im)) {
        /* A seed is fixed by hand, one problem at a time: name the first. */
        json_t *first = json_array_get(im.errors, 0);
        const char *pointer = json_string_value(json_object_get(first, "pointer"));
        snprintf(error, error_size, "%s: %s: %s", path, pointer[0] ? pointer : "/",
                 json_string_value(json_object_get(first, "detail")));
        status = FR_EINVAL;
    }
    json_decref(im.errors);
    return status;
}

enum fr_status schema_import_record(struct schema_cache *cache, const struct schema_table *table,
                                    const json_t *record, json_t *errors, char *error,
                                    size_t error_size)
{
    struct import im = {.cache = cache, .db = schema_cache_db(cache), .errors = errors,
                        .check_references = true, .top = table,
                        .top_id = json_string_value(json_object_get(record, "id")),
                        .error = error, .error_size = error_size};
    enum fr_status status = import_record(&im, table, record, NULL, "");
    json_decref(im.keys);
    if (status == FR_OK && !clean(&im))
        status = FR_EINVAL;
    return status;
}
