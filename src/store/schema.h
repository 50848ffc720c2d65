/*
 * The store's private map between JSON records and SQLite rows. Tables are
 * described once here; their columns and foreign keys are read from the
 * database itself (PRAGMA table_info, foreign_key_list), and the naming
 * conventions of migrations.c group them into JSON fields: dates, money,
 * booleans and plain values. Also the store handle, shared by store.c and
 * write.c.
 */
#ifndef FRONTIER_STORE_SCHEMA_H
#define FRONTIER_STORE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "frontier/status.h"

enum schema_table_kind {
    SCHEMA_ENTITY, /* a top-level table with its own seed file */
    SCHEMA_CHILD,  /* records nested in a parent's array under json_key */
    SCHEMA_LINK,   /* ids nested in a parent's array of strings under json_key */
};

struct schema_table {
    const char *name;
    enum schema_table_kind kind;
    const char *parent;        /* CHILD, LINK: the parent table */
    const char *json_key;      /* CHILD, LINK: the array's key in the parent */
    const char *parent_column; /* CHILD, LINK: the column holding the parent id */
    const char *value_column;  /* LINK: the column holding each id */
};

/* ---- layouts ---------------------------------------------------------- */

#define SCHEMA_MAX_COLUMNS 40
#define SCHEMA_NAME_MAX 64

enum schema_field_kind { SCHEMA_FIELD_PLAIN, SCHEMA_FIELD_BOOL, SCHEMA_FIELD_DATE, SCHEMA_FIELD_MONEY };

struct schema_field {
    char name[SCHEMA_NAME_MAX];
    enum schema_field_kind kind;
    int type;       /* SCHEMA_FIELD_PLAIN: SQLITE_INTEGER, SQLITE_FLOAT or SQLITE_TEXT */
    int columns[3]; /* value/precision/qualifier, minor/currency/approximate */
    int column_count;
};

struct schema_layout {
    char columns[SCHEMA_MAX_COLUMNS][SCHEMA_NAME_MAX];
    int types[SCHEMA_MAX_COLUMNS];
    bool required[SCHEMA_MAX_COLUMNS]; /* NOT NULL without a default, not the key */
    /* Foreign keys (PRAGMA foreign_key_list): the table and column a column
     * refers to, both "" when it refers to nothing. */
    char ref_tables[SCHEMA_MAX_COLUMNS][SCHEMA_NAME_MAX];
    char ref_columns[SCHEMA_MAX_COLUMNS][SCHEMA_NAME_MAX];
    int column_count;
    struct schema_field fields[SCHEMA_MAX_COLUMNS];
    int field_count;
};

/* Reads a table's columns from the database and groups them into fields.
 * table comes from schema_tables, never from input. */
enum fr_status schema_layout_load(sqlite3 *db, const char *table, struct schema_layout *layout,
                           char *error, size_t error_size);
/* The index of a column, or -1. */
int schema_layout_column(const struct schema_layout *layout, const char *name);
/* The field of that JSON name, or NULL. Borrowed from layout. */
const struct schema_field *schema_layout_field(const struct schema_layout *layout, const char *name);
/* The field a column belongs to, or NULL. Borrowed from layout. */
const struct schema_field *schema_layout_field_of(const struct schema_layout *layout, int column);

/* ---- the connection's cache (cache.c) ----------------------------------- */

/* Prepared statements and layouts of one connection, kept until
 * schema_cache_free(), which must run before the connection closes. */
struct schema_cache;

/* NULL when out of memory. db is borrowed. */
struct schema_cache *schema_cache_new(sqlite3 *db);
void schema_cache_free(struct schema_cache *cache);
sqlite3 *schema_cache_db(const struct schema_cache *cache);
/* The statement for sql, reset and with no bindings; borrowed from cache.
 * FR_EDB (the message is the connection's errmsg) or FR_ENOMEM. */
enum fr_status schema_cache_statement(struct schema_cache *cache, const char *sql,
                                      sqlite3_stmt **out);
/* The layout of table, read once; borrowed from cache. table must be a
 * static string (a schema_tables name): the cache keeps the pointer. */
enum fr_status schema_cache_layout(struct schema_cache *cache, const char *table,
                                   const struct schema_layout **out, char *error,
                                   size_t error_size);

/* ---- tables ------------------------------------------------------------ */

/* Every table in import order (parents before their children); the array
 * ends with an entry whose name is NULL. */
extern const struct schema_table schema_tables[];

const struct schema_table *schema_table_find(const char *name);

/* Inserts records (a JSON array) into table and its children, links and
 * citations. path names the input in messages ("models.json"); on FR_EINVAL
 * error holds the first problem found as "<path>: <pointer>: <detail>". Runs
 * inside the caller's transaction. References are left to the deferred
 * foreign keys. */
enum fr_status schema_import(struct schema_cache *cache, const struct schema_table *table,
                             const json_t *records, const char *path,
                             char *error, size_t error_size);

/* Validates one top-level record of table (a write's body) and, when it has
 * no problem, inserts it with its children, links and citations, inside the
 * caller's transaction. Every reference must exist (or be the record
 * itself). Each problem is appended to errors (borrowed) as {"pointer",
 * "detail"}, pointers relative to the record; nothing is inserted when
 * errors is not empty to begin with. FR_EINVAL when errors is not empty
 * afterwards; FR_EDB or FR_ENOMEM with error when the import itself failed. */
enum fr_status schema_import_record(struct schema_cache *cache, const struct schema_table *table,
                                    const json_t *record, json_t *errors, char *error,
                                    size_t error_size);

/* Reads every entity table into {"<table>": [...]} (see fr_store_load). The
 * caller owns *out. */
enum fr_status schema_load(struct schema_cache *cache, json_t **out, char *error,
                           size_t error_size);

/* Reads one record of the top-level table, shaped as schema_load shapes it;
 * FR_ENOTFOUND when there is none. The caller owns *out. */
enum fr_status schema_load_one(struct schema_cache *cache, const struct schema_table *table,
                               const char *id, json_t **out, char *error, size_t error_size);

/* ---- references to a record (references.c) ------------------------------ */

/* Appends to errors (borrowed) one {"pointer": "", "detail"} for each
 * reference to the record `id` of the top-level table that some row still
 * holds, naming the top-level record it belongs to and where in it:
 * "results record 'x' refers to it in 'model'". Run after the record's own
 * rows are deleted, so what remains belongs to other records. */
enum fr_status schema_referrers(struct schema_cache *cache, const struct schema_table *table,
                                const char *id, json_t *errors, char *error, size_t error_size);

/* ---- the store (store.c, write.c) ------------------------------------------ */

struct fr_store {
    sqlite3 *db;
    struct schema_cache *cache; /* the connection's statements; freed before it closes */
    int version;
};

#endif
