/*
 * The store's private map between JSON records and SQLite rows. Tables are
 * described once here; their columns, foreign keys and CHECK constraints are
 * read from the database itself (PRAGMA table_info, foreign_key_list, the
 * CREATE TABLE text), and the naming conventions of migrations.c group them
 * into JSON fields: dates, money, booleans and plain values. Also the store
 * handle, shared by store.c and write.c.
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

/* ---- checks: the CHECK constraints a layout can judge itself ----------- */

/* A CHECK constraint whose expression is a conjunction of these terms, all
 * about one column, is judged before the INSERT, so that a body's every
 * problem is found at once and described in words. Any other CHECK is left
 * to SQLite. */
enum schema_term_kind {
    SCHEMA_TERM_IN,      /* column IN ('a', 'b', ...) or IN (0, 1) */
    SCHEMA_TERM_COMPARE, /* column <op> number */
    SCHEMA_TERM_LENGTH,  /* length(column) <op> number */
    SCHEMA_TERM_ONLY,    /* column NOT GLOB '*[^set]*': only characters of the set */
    SCHEMA_TERM_FIRST,   /* column GLOB '[set]*': the first character is of the set */
};

enum schema_term_op {
    SCHEMA_OP_EQ,
    SCHEMA_OP_GT,
    SCHEMA_OP_GE,
    SCHEMA_OP_LT,
    SCHEMA_OP_LE,
    SCHEMA_OP_BETWEEN, /* low <= x <= high */
};

#define SCHEMA_CHECK_TERMS 4
#define SCHEMA_CHECK_TEXT 320

struct schema_term {
    enum schema_term_kind kind;
    enum schema_term_op op; /* COMPARE, LENGTH */
    double low, high;       /* COMPARE, LENGTH: the number; high only for BETWEEN */
    bool numeric;           /* IN: the values are numbers, not text */
    int count;              /* IN: how many values */
    size_t text;            /* IN: offset in the check's text of the first value,
                               each NUL-ended; ONLY, FIRST: of the GLOB pattern */
    size_t set, set_len;    /* ONLY, FIRST: the bracket expression's characters */
};

struct schema_check {
    int column; /* the layout's column the expression is about */
    struct schema_term terms[SCHEMA_CHECK_TERMS];
    int term_count;
    char text[SCHEMA_CHECK_TEXT]; /* the values and patterns the terms point into */
    size_t text_len;
};

/* A column's value as an INSERT binds it: NULL, integer, real or borrowed text. */
struct schema_value {
    int type; /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT */
    long long integer;
    double real;
    const char *text;
};

/* Whether the check holds for value, as SQLite would judge it. NULL
 * passes (SQL: a CHECK only fails when false), and so does a value of a type
 * a term cannot compare (SQLite judges those at the INSERT). Both borrowed. */
bool schema_check_allows(const struct schema_check *check, const struct schema_value *value);

/* What the check requires, as a sentence about the refused value for a
 * problem's detail: "'news' is not allowed: expected one of article, post",
 * "must be greater than 0". check and value are borrowed; out (size bytes,
 * the caller's) always ends with NUL, the sentence cut if it does not fit. */
void schema_check_describe(const struct schema_check *check, const struct schema_value *value,
                           char *out, size_t size);

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

#define SCHEMA_MAX_CHECKS SCHEMA_MAX_COLUMNS

struct schema_layout {
    char columns[SCHEMA_MAX_COLUMNS][SCHEMA_NAME_MAX];
    int types[SCHEMA_MAX_COLUMNS];
    bool required[SCHEMA_MAX_COLUMNS]; /* NOT NULL without a default, not the key */
    bool not_null[SCHEMA_MAX_COLUMNS]; /* NOT NULL, with a default or not */
    int key_column;                    /* the one-column primary key, or -1 */
    /* Foreign keys (PRAGMA foreign_key_list): the table and column a column
     * refers to, both "" when it refers to nothing. */
    char ref_tables[SCHEMA_MAX_COLUMNS][SCHEMA_NAME_MAX];
    char ref_columns[SCHEMA_MAX_COLUMNS][SCHEMA_NAME_MAX];
    int column_count;
    struct schema_field fields[SCHEMA_MAX_COLUMNS];
    int field_count;
    /* The CHECK constraints of the table that schema_check_allows() can
     * judge, each about one column; the others are SQLite's alone. */
    struct schema_check checks[SCHEMA_MAX_CHECKS];
    int check_count;
};

/* Reads a table's columns from the database, groups them into fields and
 * reads its CHECK constraints. table comes from schema_tables, never from
 * input. */
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
