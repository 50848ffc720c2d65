/*
 * Who refers to a record. A record others refer to cannot be deleted (the
 * deferred foreign keys would refuse the COMMIT, saying only that some
 * reference broke), so a delete first names every referring record and
 * where in it the reference is, as a person reads the records: "results
 * record 'x' refers to it in 'model'", "models record 'y' refers to it in
 * 'claims/0/relative_to'". The references are found through the foreign
 * keys SQLite reports for each table (the layouts'), so a column added by a
 * later migration is covered without being listed here.
 */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct referrers {
    struct schema_cache *cache;
    sqlite3 *db;
    json_t *errors;
    char *error;
    size_t error_size;
};

static enum fr_status referrers_fail(struct referrers *rf, enum fr_status status)
{
    snprintf(rf->error, rf->error_size, "finding references: %s",
             status == FR_ENOMEM ? "out of memory" : sqlite3_errmsg(rf->db));
    return status;
}

/* One referring record: table and id of the top-level record, and where in
 * it the reference is. */
static enum fr_status add_referrer(struct referrers *rf, const char *table, const char *id,
                                   const char *where)
{
    char detail[512];
    int n = snprintf(detail, sizeof(detail), "%s record '%s' refers to it in '%s'", table, id,
                     where);
    if (n < 0 || (size_t)n >= sizeof(detail))
        return referrers_fail(rf, FR_ENOMEM);
    json_t *e = json_pack("{s:s, s:s}", "pointer", "", "detail", detail);
    if (!e || json_array_append_new(rf->errors, e) != 0)
        return referrers_fail(rf, FR_ENOMEM);
    return FR_OK;
}

static const char *text(sqlite3_stmt *stmt, int column)
{
    const unsigned char *t = sqlite3_column_text(stmt, column);
    return t ? (const char *)t : "";
}

/* What a row handler needs to place a reference. */
struct referring {
    const struct schema_table *table; /* the referring table (for a citation of a
                                         child record: the child's table), or NULL */
    const char *column;               /* the referring column */
    long long position;               /* a child's citation: the citation's index */
};

typedef enum fr_status (*row_fn)(struct referrers *rf, const struct referring *ref,
                                 sqlite3_stmt *row);

/* Runs sql (one parameter: id) and hands each row to fn. */
static enum fr_status each_row(struct referrers *rf, const char *sql, const char *id,
                               row_fn fn, const struct referring *ref)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = schema_cache_statement(rf->cache, sql, &stmt);
    int rc = SQLITE_DONE;
    if (status != FR_OK)
        return referrers_fail(rf, status);
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    while (status == FR_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
        status = fn(rf, ref, stmt);
    if (status == FR_OK && rc != SQLITE_DONE)
        status = referrers_fail(rf, FR_EDB);
    sqlite3_reset(stmt);
    return status;
}

/* Formats where (a place inside the referring record) and adds the referrer. */
__attribute__((format(printf, 4, 5)))
static enum fr_status add_referrer_at(struct referrers *rf, const char *table, const char *id,
                                      const char *fmt, ...)
{
    char where[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(where, sizeof(where), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(where))
        return referrers_fail(rf, FR_ENOMEM);
    return add_referrer(rf, table, id, where);
}

/* A child's parent id and its index in the parent's list, which the loader
 * orders by id: as columns 0 and 1 of a query over table x. */
#define CHILD_PLACE "SELECT x.%s, (SELECT count(*) FROM %s s WHERE s.%s = x.%s AND s.id < x.id)"

static enum fr_status entity_row(struct referrers *rf, const struct referring *ref,
                                 sqlite3_stmt *row)
{
    return add_referrer(rf, ref->table->name, text(row, 0), ref->column);
}

static enum fr_status child_row(struct referrers *rf, const struct referring *ref,
                                sqlite3_stmt *row)
{
    return add_referrer_at(rf, ref->table->parent, text(row, 0), "%s/%lld/%s",
                           ref->table->json_key, (long long)sqlite3_column_int64(row, 1),
                           ref->column);
}

static enum fr_status link_row(struct referrers *rf, const struct referring *ref,
                               sqlite3_stmt *row)
{
    return add_referrer_at(rf, ref->table->parent, text(row, 0), "%s/%lld",
                           ref->table->json_key, (long long)sqlite3_column_int64(row, 1));
}

static enum fr_status child_citation_row(struct referrers *rf, const struct referring *ref,
                                         sqlite3_stmt *row)
{
    return add_referrer_at(rf, ref->table->parent, text(row, 0), "%s/%lld/citations/%lld/%s",
                           ref->table->json_key, (long long)sqlite3_column_int64(row, 1),
                           ref->position, ref->column);
}

/* A citation belongs to the record its own columns name; a child record's
 * citation is placed inside the child's parent. */
static enum fr_status citation_row(struct referrers *rf, const struct referring *ref,
                                   sqlite3_stmt *row)
{
    char sql[256];
    const char *owner = text(row, 0);
    const struct schema_table *t = schema_table_find(owner);
    long long position = sqlite3_column_int64(row, 2);
    if (!t || t->kind != SCHEMA_CHILD)
        return add_referrer_at(rf, owner, text(row, 1), "citations/%lld/%s", position,
                               ref->column);
    struct referring place = {.table = t, .column = ref->column, .position = position};
    snprintf(sql, sizeof(sql), CHILD_PLACE " FROM %s x WHERE x.id = ?1", t->parent_column,
             t->name, t->parent_column, t->parent_column, t->name);
    return each_row(rf, sql, text(row, 1), child_citation_row, &place);
}

/* The rows of table whose column holds id, each as a referrer. */
static enum fr_status table_referrers(struct referrers *rf, const struct schema_table *table,
                                      const char *column, const char *id)
{
    char sql[512];
    row_fn fn = entity_row;
    int n;
    switch (table->kind) {
    case SCHEMA_CHILD:
        n = snprintf(sql, sizeof(sql), CHILD_PLACE " FROM %s x WHERE x.%s = ?1 ORDER BY 1, 2",
                     table->parent_column, table->name, table->parent_column,
                     table->parent_column, table->name, column);
        fn = child_row;
        break;
    case SCHEMA_LINK:
        n = snprintf(sql, sizeof(sql), "SELECT %s, position FROM %s WHERE %s = ?1 ORDER BY 1, 2",
                     table->parent_column, table->name, column);
        fn = link_row;
        break;
    default:
        n = snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?1 ORDER BY id",
                     table->name, column);
        break;
    }
    if (n < 0 || (size_t)n >= sizeof(sql))
        return referrers_fail(rf, FR_ENOMEM);
    struct referring ref = {.table = table, .column = column};
    return each_row(rf, sql, id, fn, &ref);
}

enum fr_status schema_referrers(struct schema_cache *cache, const struct schema_table *table,
                                const char *id, json_t *errors, char *error, size_t error_size)
{
    struct referrers rf = {.cache = cache, .db = schema_cache_db(cache), .errors = errors,
                           .error = error, .error_size = error_size};
    const struct schema_layout *layout = NULL;
    enum fr_status status = FR_OK;

    for (const struct schema_table *t = schema_tables; status == FR_OK && t->name; t++) {
        status = schema_cache_layout(cache, t->name, &layout, error, error_size);
        for (int c = 0; status == FR_OK && c < layout->column_count; c++) {
            if (strcmp(layout->ref_tables[c], table->name) == 0)
                status = table_referrers(&rf, t, layout->columns[c], id);
        }
    }
    /* Citations belong to the record named in their own columns. */
    if (status == FR_OK)
        status = schema_cache_layout(cache, "citations", &layout, error, error_size);
    for (int c = 0; status == FR_OK && c < layout->column_count; c++) {
        char sql[256];
        if (strcmp(layout->ref_tables[c], table->name) != 0)
            continue;
        snprintf(sql, sizeof(sql),
                 "SELECT record_table, record_id, position FROM citations WHERE %s = ?1 "
                 "ORDER BY 1, 2, 3", layout->columns[c]);
        struct referring ref = {.column = layout->columns[c]};
        status = each_row(&rf, sql, id, citation_row, &ref);
    }
    return status;
}
