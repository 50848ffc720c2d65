/*
 * The durable store: SQLite with STRICT tables and foreign keys, its schema
 * versioned by PRAGMA user_version. A new database is created and the seed
 * imported in one transaction; a database this build cannot use (unreadable,
 * corrupt, newer schema, not ours) is refused and left untouched.
 *
 * The rest of the program sees the store's data as JSON (jansson): records
 * shaped like the seed files, one array per table. Only src/store/ includes
 * sqlite3.h.
 */
#ifndef FRONTIER_STORE_H
#define FRONTIER_STORE_H

#include <stddef.h>

#include <jansson.h>

#include "frontier/status.h"

struct fr_store;

/* Opens (creating if needed) the database at path (":memory:" allowed). When
 * it is new, creates the schema and imports the JSON files of seed_dir in one
 * transaction. On failure returns FR_EDB, FR_ESCHEMA, FR_EINVAL (bad seed) or
 * FR_EIO with one sentence in error, and *out is NULL. The caller frees the
 * store with fr_store_close(). */
enum fr_status fr_store_open(const char *path, const char *seed_dir,
                             struct fr_store **out, char *error, size_t error_size);

/* Closes the database; NULL is allowed. */
void fr_store_close(struct fr_store *store);

/* The schema version of the open database (PRAGMA user_version). */
int fr_store_schema_version(const struct fr_store *store);

/* Reads every record into one JSON object: {"<table>": [record, ...], ...} for
 * each top-level table, records in id order, with their children, links and
 * citations nested as in the seed files. The caller owns *out (json_decref). */
enum fr_status fr_store_load(struct fr_store *store, json_t **out,
                             char *error, size_t error_size);

/* Imports one top-level table's records (a JSON array shaped like the seed
 * files) inside the caller's transaction. Used by the seed import; exposed so
 * that tests can check the validation. */
enum fr_status fr_store_import_records(struct fr_store *store, const char *table,
                                       const json_t *records, char *error,
                                       size_t error_size);

/* The top-level tables, in import order: NULL-ended, static. Their names are
 * also the seed files' names (<table>.json) and the keys of fr_store_load. */
const char *const *fr_store_tables(void);

/* The schema's migrations: migration i takes user_version i to i + 1. Each
 * is a NULL-ended list of SQL statements, static. */
size_t fr_store_migration_count(void);
const char *const *fr_store_migration(size_t index);

#endif
