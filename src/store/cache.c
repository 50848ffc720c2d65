/*
 * Prepared statements and table layouts kept for the life of a connection.
 * An import runs the same few INSERTs for every record; preparing each one
 * anew (parsing SQL, reading the schema) cost more than running it, about
 * half of start-up on the seed. Statements are found by their SQL text;
 * there are a few dozen, so a linear search is cheaper than hashing.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cached_statement {
    char *sql;
    sqlite3_stmt *stmt;
};

struct cached_layout {
    const char *table; /* from schema_tables: static */
    struct schema_layout layout;
};

struct schema_cache {
    sqlite3 *db;
    struct cached_statement *statements;
    size_t statement_count, statement_cap;
    struct cached_layout **layouts; /* each its own allocation: callers keep
                                       pointers while others are added */
    size_t layout_count, layout_cap;
};

struct schema_cache *schema_cache_new(sqlite3 *db)
{
    struct schema_cache *cache = calloc(1, sizeof(*cache));
    if (cache)
        cache->db = db;
    return cache;
}

void schema_cache_free(struct schema_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->statement_count; i++) {
        sqlite3_finalize(cache->statements[i].stmt);
        free(cache->statements[i].sql);
    }
    free(cache->statements);
    for (size_t i = 0; i < cache->layout_count; i++)
        free(cache->layouts[i]);
    free(cache->layouts);
    free(cache);
}

sqlite3 *schema_cache_db(const struct schema_cache *cache)
{
    return cache->db;
}

/* Makes room for one more element of size in *array. */
static bool grow(void **array, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return true;
    size_t bigger = *cap ? *cap * 2 : 16;
    void *grown = realloc(*array, bigger * size);
    if (!grown)
        return false;
    *array = grown;
    *cap = bigger;
    return true;
}

enum fr_status schema_cache_statement(struct schema_cache *cache, const char *sql,
                                      sqlite3_stmt **out)
{
    *out = NULL;
    for (size_t i = 0; i < cache->statement_count; i++) {
        if (strcmp(cache->statements[i].sql, sql) == 0) {
            sqlite3_reset(cache->statements[i].stmt);
            sqlite3_clear_bindings(cache->statements[i].stmt);
            *out = cache->statements[i].stmt;
            return FR_OK;
        }
    }
    if (!grow((void **)&cache->statements, cache->statement_count, &cache->statement_cap,
              sizeof(cache->statements[0])))
        return FR_ENOMEM;
    char *copy = strdup(sql);
    if (!copy)
        return FR_ENOMEM;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(cache->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
        SQLITE_OK) {
        free(copy);
        return FR_EDB;
    }
    cache->statements[cache->statement_count++] = (struct cached_statement){copy, stmt};
    *out = stmt;
    return FR_OK;
}

enum fr_status schema_cache_layout(struct schema_cache *cache, const char *table,
                                   const struct schema_layout **out, char *error,
                                   size_t error_size)
{
    *out = NULL;
    for (size_t i = 0; i < cache->layout_count; i++) {
        if (strcmp(cache->layouts[i]->table, table) == 0) {
            *out = &cache->layouts[i]->layout;
            return FR_OK;
        }
    }
    struct cached_layout *slot = malloc(sizeof(*slot));
    if (!slot || !grow((void **)&cache->layouts, cache->layout_count, &cache->layout_cap,
                       sizeof(cache->layouts[0]))) {
        free(slot);
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    enum fr_status status = schema_layout_load(cache->db, table, &slot->layout, error,
                                               error_size);
    if (status != FR_OK) {
        free(slot);
        return status;
    }
    slot->table = table;
    cache->layouts[cache->layout_count++] = slot;
    *out = &slot->layout;
    return FR_OK;
}
