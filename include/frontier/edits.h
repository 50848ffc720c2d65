/*
 * The one writer. Writes are applied to the store one at a time; after each
 * committed write a new snapshot is built from the store and swapped in, and
 * only then is the write answered, so a client reads its own writes.
 * Requests take the current snapshot with fr_edits_acquire, which never
 * waits for a write: its lock guards only the swap of one pointer.
 */
#ifndef FRONTIER_EDITS_H
#define FRONTIER_EDITS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "frontier/model.h"
#include "frontier/status.h"
#include "frontier/store.h"

struct fr_edits;
struct fr_tokens;

/* Loads the store's records and change log into the first snapshot. store
 * and tokens (who may write) are borrowed and must outlive the result; the
 * caller frees the result with fr_edits_free(). On failure error holds one
 * sentence. */
enum fr_status fr_edits_new(struct fr_store *store, const struct fr_tokens *tokens,
                            struct fr_edits **out, char *error, size_t error_size);
void fr_edits_free(struct fr_edits *edits);
/* The tokens given to fr_edits_new, borrowed. */
const struct fr_tokens *fr_edits_tokens(const struct fr_edits *edits);

/* A struct fr_snapshot_source's callbacks (ctx is the struct fr_edits). */
const struct fr_snapshot *fr_edits_acquire(void *edits);
void fr_edits_release(void *edits, const struct fr_snapshot *snapshot);

struct fr_edit {
    enum fr_write_action action;
    enum fr_collection_id collection; /* one with a store table */
    /* CREATE: NULL, or with child the parent's id; REPLACE (a PATCH) and
     * DELETE: the item's id. */
    const char *id;
    /* CREATE of a record nested in another, e.g. "capacities" of a cluster:
     * body is appended to that member of the item id (a change of the
     * parent). NULL otherwise. */
    const char *child;
    /* CREATE: the record; REPLACE: a JSON Merge Patch. Borrowed. */
    const json_t *body;
    /* REPLACE, DELETE: the If-Match field, which must name the item's
     * current ETag (strong comparison, or "*"). */
    const char *if_match;
    const char *actor;
    const char *idempotency_key; /* CREATE (nested too), optional */
    const char *request_digest;  /* with idempotency_key */
};

struct fr_edit_result {
    enum fr_status status;
    /* Not FR_OK: the problem's slug (see fr_write_result, plus
     * "precondition-failed" when If-Match names another representation and
     * "missing-provenance" for a PATCH without citations), a sentence, and
     * the list of {"pointer", "detail"} when there is one (owned). */
    const char *problem;
    char detail[512];
    json_t *errors;
    /* FR_OK: the snapshot that holds the result (a reference, dropped by
     * cleanup) and the written item in it, NULL after a DELETE. A replayed
     * CREATE whose record has since been deleted has item NULL and the
     * record as it was written rendered in replay_body (owned). */
    const struct fr_snapshot *snapshot;
    const struct fr_item *item;
    char *replay_body;
    bool replayed;
    long long version;
    long long change; /* the change log's seq; 0 when nothing changed */
};

/* Applies one edit (thread-safe: edits queue on a lock). result is always
 * set; release it with fr_edit_result_cleanup(). */
void fr_edits_apply(struct fr_edits *edits, const struct fr_edit *edit,
                    struct fr_edit_result *result);
void fr_edit_result_cleanup(struct fr_edit_result *result);

#endif
