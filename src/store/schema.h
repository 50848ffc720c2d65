/*
 * The store's private map between JSON records and SQLite rows. Tables are
 * described once here; their columns are read from the database itself
 * (PRAGMA table_info), and the naming conventions of migrations.c group them
 * into JSON fields: dates, money, booleans and plain values.
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

/* Every table in import order (parents before their children); the array
 * ends with an entry whose name is NULL. */
extern const struct schema_table schema_tables[];

const struct schema_table *schema_table_find(const char *name);

/* Inserts records (a JSON array) into table and its children, links and
 * citations. path names the input in messages ("models.json"). Runs inside
 * the caller's transaction. */
enum fr_status schema_import(sqlite3 *db, const struct schema_table *table,
                             const json_t *records, const char *path,
                             char *error, size_t error_size);

/* Reads every entity table into {"<table>": [...]} (see fr_store_load). */
enum fr_status schema_load(sqlite3 *db, json_t **out, char *error, size_t error_size);

#endif
