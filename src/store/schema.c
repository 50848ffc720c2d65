/*
 * The tables and their layouts: which tables nest in which, and how a
 * table's columns, as the database reports them, group into JSON fields by
 * the naming conventions of migrations.c. import.c and load.c use both.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const struct schema_table schema_tables[] = {
    {"organizations", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"people", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"sources", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"models", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"model_claims", SCHEMA_CHILD, "models", "claims", "model", NULL},
    {"model_plans", SCHEMA_CHILD, "models", "plans", "model", NULL},
    {"benchmarks", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"results", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"funding_rounds", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"funding_tranches", SCHEMA_CHILD, "funding_rounds", "tranches", "round", NULL},
    {"funding_totals", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"valuations", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"valuation_organizations", SCHEMA_LINK, "valuations", "organizations",
     "valuation", "organization"},
    {"financials", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"financial_organizations", SCHEMA_LINK, "financials", "organizations",
     "financial", "organization"},
    {"clusters", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"cluster_capacities", SCHEMA_CHILD, "clusters", "capacities", "cluster", NULL},
    {"events", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"event_revisions", SCHEMA_CHILD, "events", "revisions", "event", NULL},
    {NULL, SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
};

const struct schema_table *schema_table_find(const char *name)
{
    for (const struct schema_table *t = schema_tables; t->name; t++) {
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

/* ---- layout: a table's columns grouped into JSON fields ---------------- */

int schema_layout_column(const struct schema_layout *layout, const char *name)
{
    for (int i = 0; i < layout->column_count; i++) {
        if (strcmp(layout->columns[i], name) == 0)
            return i;
    }
    return -1;
}

/* The column <prefix><suffix>, or -1. */
static int layout_sibling(const struct schema_layout *layout, const char *prefix,
                          size_t prefix_len, const char *suffix)
{
    char name[SCHEMA_NAME_MAX * 2];
    int n = snprintf(name, sizeof(name), "%.*s%s", (int)prefix_len, prefix, suffix);
    if (n < 0 || (size_t)n >= sizeof(name))
        return -1;
    return schema_layout_column(layout, name);
}

static bool ends_with(const char *s, const char *suffix, size_t *stem_len)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m || strcmp(s + n - m, suffix) != 0)
        return false;
    *stem_len = n - m;
    return true;
}

static int sqlite_type_of(const char *declared)
{
    if (strcmp(declared, "INTEGER") == 0 || strcmp(declared, "INT") == 0)
        return SQLITE_INTEGER;
    if (strcmp(declared, "REAL") == 0)
        return SQLITE_FLOAT;
    return SQLITE_TEXT;
}

static enum fr_status field_add(struct schema_layout *layout, const char *name, size_t name_len,
                                enum schema_field_kind kind, int type)
{
    if (layout->field_count >= SCHEMA_MAX_COLUMNS || name_len >= SCHEMA_NAME_MAX)
        return FR_ESCHEMA;
    struct schema_field *f = &layout->fields[layout->field_count++];
    memcpy(f->name, name, name_len);
    f->name[name_len] = '\0';
    f->kind = kind;
    f->type = type;
    f->column_count = 0;
    return FR_OK;
}

/* Groups the columns by the naming conventions of migrations.c. */
static enum fr_status layout_group(struct schema_layout *layout)
{
    for (int i = 0; i < layout->column_count; i++) {
        const char *col = layout->columns[i];
        size_t stem;
        enum fr_status st = FR_OK;
        struct schema_field *f;

        if (ends_with(col, "_value", &stem) &&
            layout_sibling(layout, col, stem, "_precision") >= 0) {
            st = field_add(layout, col, stem, SCHEMA_FIELD_DATE, SQLITE_TEXT);
            if (st != FR_OK)
                return st;
            f = &layout->fields[layout->field_count - 1];
            f->columns[0] = i;
            f->columns[1] = layout_sibling(layout, col, stem, "_precision");
            f->columns[2] = layout_sibling(layout, col, stem, "_qualifier");
            f->column_count = f->columns[2] >= 0 ? 3 : 2;
        } else if ((ends_with(col, "_precision", &stem) ||
                    ends_with(col, "_qualifier", &stem)) &&
                   layout_sibling(layout, col, stem, "_value") >= 0) {
            continue; /* part of a date */
        } else if (ends_with(col, "_minor", &stem) &&
                   layout_sibling(layout, col, stem, "_currency") >= 0) {
            st = field_add(layout, col, stem, SCHEMA_FIELD_MONEY, SQLITE_INTEGER);
            if (st != FR_OK)
                return st;
            f = &layout->fields[layout->field_count - 1];
            f->columns[0] = i;
            f->columns[1] = layout_sibling(layout, col, stem, "_currency");
            f->columns[2] = layout_sibling(layout, col, stem, "_approximate");
            f->column_count = f->columns[2] >= 0 ? 3 : 2;
        } else if ((ends_with(col, "_currency", &stem) ||
                    ends_with(col, "_approximate", &stem)) &&
                   layout_sibling(layout, col, stem, "_minor") >= 0) {
            continue; /* part of money */
        } else {
            bool is_bool = strncmp(col, "is_", 3) == 0;
            st = field_add(layout, col, strlen(col), is_bool ? SCHEMA_FIELD_BOOL : SCHEMA_FIELD_PLAIN,
                           is_bool ? SQLITE_INTEGER : layout->types[i]);
            if (st != FR_OK)
                return st;
            f = &layout->fields[layout->field_count - 1];
            f->columns[0] = i;
            f->column_count = 1;
        }
    }
    return FR_OK;
}

/* Copies text into a layout name slot; false when it does not fit. */
static bool name_copy(char out[SCHEMA_NAME_MAX], const unsigned char *text)
{
    if (!text || strlen((const char *)text) >= SCHEMA_NAME_MAX)
        return false;
    strcpy(out, (const char *)text);
    return true;
}

/* Reads which columns are foreign keys and what they refer to, so that writes
 * can check each reference by name before SQLite's deferred check (which
 * only says that some reference failed) would refuse the COMMIT. */
static enum fr_status layout_foreign_keys(sqlite3 *db, const char *table,
                                          struct schema_layout *layout, char *error,
                                          size_t error_size)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char sql[160];
    int rc;

    snprintf(sql, sizeof(sql),
             "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('%s')", table);
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "reading the foreign keys of %s: %s", table,
                 sqlite3_errmsg(db));
        status = FR_EDB;
        goto out;
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int column = schema_layout_column(layout, (const char *)sqlite3_column_text(stmt, 0));
        if (column < 0 || !name_copy(layout->ref_tables[column], sqlite3_column_text(stmt, 1)) ||
            !name_copy(layout->ref_columns[column], sqlite3_column_text(stmt, 2))) {
            snprintf(error, error_size, "table %s has a foreign key this build cannot follow",
                     table);
            status = FR_ESCHEMA;
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(error, error_size, "reading the foreign keys of %s: %s", table,
                 sqlite3_errmsg(db));
        status = FR_EDB;
    }
out:
    sqlite3_finalize(stmt);
    return status;
}

/* Reads a table's columns from the database. The table name comes from the
 * compiled-in list above, never from input. */
enum fr_status schema_layout_load(sqlite3 *db, const char *table, struct schema_layout *layout,
                                  char *error, size_t error_size)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char sql[160];

    memset(layout, 0, sizeof(*layout));
    snprintf(sql, sizeof(sql),
             "SELECT name, type, \"notnull\" AND dflt_value IS NULL AND NOT pk "
             "FROM pragma_table_info('%s')", table);
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "reading the columns of %s: %s", table,
                 sqlite3_errmsg(db));
        status = FR_EDB;
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(stmt, 1);
        if (layout->column_count >= SCHEMA_MAX_COLUMNS ||
            !name_copy(layout->columns[layout->column_count], sqlite3_column_text(stmt, 0))) {
            snprintf(error, error_size, "table %s has too many or too long columns", table);
            status = FR_ESCHEMA;
            goto out;
        }
        layout->types[layout->column_count] = sqlite_type_of(type ? type : "");
        layout->required[layout->column_count] = sqlite3_column_int(stmt, 2) != 0;
        layout->column_count++;
    }
    if (rc != SQLITE_DONE || layout->column_count == 0) {
        snprintf(error, error_size, "table %s is missing or unreadable: %s", table,
                 sqlite3_errmsg(db));
        status = FR_ESCHEMA;
        goto out;
    }
    if (layout_group(layout) != FR_OK) {
        snprintf(error, error_size, "table %s has too many columns", table);
        status = FR_ESCHEMA;
        goto out;
    }
    status = layout_foreign_keys(db, table, layout, error, error_size);
out:
    sqlite3_finalize(stmt);
    return status;
}

const struct schema_field *schema_layout_field(const struct schema_layout *layout, const char *name)
{
    for (int i = 0; i < layout->field_count; i++) {
        if (strcmp(layout->fields[i].name, name) == 0)
            return &layout->fields[i];
    }
    return NULL;
}

const struct schema_field *schema_layout_field_of(const struct schema_layout *layout, int column)
{
    for (int i = 0; i < layout->field_count; i++) {
        const struct schema_field *f = &layout->fields[i];
        for (int c = 0; c < f->column_count; c++) {
            if (f->columns[c] == column)
                return f;
        }
    }
    return NULL;
}
