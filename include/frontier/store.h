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

#include <stdbool.h>
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

/* ---- writes (src/store/write.c) ----------------------------------------
 *
 * Every top-level record has a revision: a version (1 when first recorded,
 * one more for each change) and when it was first recorded and last changed
 * (RFC 3339 UTC with milliseconds, "2026-11-28T23:50:01.123Z"). fr_store_load
 * gives them as the record's members "version", "recorded_at" and
 * "updated_at"; writes refuse them in input (the store sets them). Records
 * imported from a seed directory were recorded when the seed was written:
 * its dataset.json ({"recorded_at": "..."}) says when.
 *
 * Each write is one transaction that changes the record (with its children,
 * links and citations), its revision, and appends one entry to the change
 * log; it is durable when fr_store_write returns FR_OK (WAL,
 * synchronous=FULL). */

enum fr_write_action {
    FR_WRITE_CREATE = 1, /* a new record; its id is the body's "id" */
    FR_WRITE_REPLACE,    /* the whole record replaced (PATCH applies its merge first) */
    FR_WRITE_DELETE,
};

struct fr_write {
    enum fr_write_action action;
    const char *table;  /* a top-level table (fr_store_tables) */
    const char *id;     /* REPLACE, DELETE: the record's id; CREATE: NULL */
    /* CREATE, REPLACE: the whole record, shaped like a seed file's record,
     * without version/recorded_at/updated_at. For REPLACE its "id" must be
     * id (or absent). Borrowed. */
    const json_t *record;
    /* REPLACE, DELETE: the version the client saw; the write is refused with
     * FR_ECONFLICT ("version-mismatch") when the stored one differs. */
    long long expected_version;
    const char *actor; /* the writer's name (its token's), for the change log */
    /* CREATE only, optional (NULL): the Idempotency-Key and a digest of the
     * request (method, path and body) it came with (a NULL digest counts as
     * ""). A key this actor used before with the same digest replays the
     * first result (replayed is set, nothing is written); with another
     * digest it is refused (FR_ECONFLICT, "idempotency-key-reused"). Only a
     * successful create keeps its key; keys are kept 24 hours (the first
     * write after that deletes them). */
    const char *idempotency_key;
    const char *request_digest;
};

struct fr_write_result {
    /* FR_OK: the record as fr_store_load shapes it after the write (NULL
     * after DELETE), a new reference; for a replay, the record as the first
     * write left it. A REPLACE whose record equals the stored one (revision
     * members aside) writes nothing: the stored record, its version, and
     * change 0. */
    json_t *record;
    long long version;  /* after the write; for DELETE, the deleted version */
    long long change;   /* the change log entry's sequence number (replay: the first's;
                           a REPLACE that changed nothing: 0) */
    bool replayed;
    /* Not FR_OK: a static problem slug, and for FR_EINVAL and for
     * "still-referenced" every problem found as [{"pointer", "detail"}]
     * (JSON Pointers into the request body; a new reference), else NULL.
     *   FR_EINVAL     "invalid-record": unknown or read-only members, wrong
     *                  types, bad dates, negative money, unknown
     *                  references, a record without citations, an id
     *                  that differs from the path's
     *   FR_ENOTFOUND  "not-found": no record of that id (REPLACE, DELETE)
     *   FR_ECONFLICT  "already-exists" (CREATE), "version-mismatch",
     *                 "still-referenced" (DELETE of a record others refer
     *                 to; errors name them), "idempotency-key-reused"
     *   FR_EDB, FR_ENOMEM: error holds the reason; slug NULL
     *   FR_EINVAL with slug NULL: the call itself is wrong (not a top-level
     *                 table, no actor, no id or record where one is
     *                 needed); error says which
     * Every refusal also leaves a sentence in error, for the log. Errors
     * come in the order found: a record's members in the body's order, its
     * missing required members, its citations, then its children and
     * links the same way; still-referenced ones by referring table. */
    const char *problem;
    json_t *errors;
};

/* Applies one write. result is always initialised; the caller releases it
 * with fr_write_result_cleanup(). A refused or failed write changes nothing
 * and leaves no transaction open. Not thread-safe: one writer at a time;
 * not inside a transaction of the caller's. write and its members are
 * borrowed. */
enum fr_status fr_store_write(struct fr_store *store, const struct fr_write *write,
                              struct fr_write_result *result, char *error,
                              size_t error_size);
void fr_write_result_cleanup(struct fr_write_result *result);

/* One top-level record as fr_store_load shapes it (with its revision), or
 * FR_ENOTFOUND (FR_EINVAL when table is not a top-level table). The caller
 * owns *out. */
enum fr_status fr_store_get(struct fr_store *store, const char *table, const char *id,
                            json_t **out, char *error, size_t error_size);

/* The change log from sequence number after (exclusive), oldest first, at
 * most limit entries, as a JSON array of
 *   {"seq", "at", "actor", "action": "create"|"update"|"delete",
 *    "table", "id", "version", "old": record|null, "new": record|null}
 * where old and new are shaped like fr_store_load's records. fr_store_load
 * does not include it. The caller owns *out. */
enum fr_status fr_store_changes(struct fr_store *store, long long after, size_t limit,
                                json_t **out, char *error, size_t error_size);

#endif
