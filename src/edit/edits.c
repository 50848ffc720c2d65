/*
 * The one writer (see include/frontier/edits.h): checks an edit against the
 * current snapshot (does the item exist, does If-Match name it), turns a
 * PATCH into the whole record it makes, hands the write to the store, and
 * after a commit builds and swaps in the next snapshot.
 *
 * Two locks: write_lock queues writers for the whole of an edit, so the
 * snapshot an edit checks against is the store's state when it writes;
 * current_lock guards only taking a reference to, or replacing, the current
 * snapshot, so a reader never waits for a write or a build.
 */
#include "frontier/edits.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/merge_patch.h"
#include "frontier/negotiate.h"
#include "frontier/rendered.h"

struct fr_edits {
    struct fr_store *store;          /* borrowed */
    const struct fr_tokens *tokens;  /* borrowed */
    pthread_mutex_t write_lock;
    pthread_mutex_t current_lock;
    const struct fr_snapshot *current; /* owned reference */
    long long last_change;             /* the newest seq the current snapshot holds */
};

/* The members a store sets on every record; a PATCH starts from the record
 * without them. */
static const char *const revision_members[] = {"version", "recorded_at", "updated_at", NULL};

/* ---- snapshots ---------------------------------------------------------- */

const struct fr_snapshot *fr_edits_acquire(void *ctx)
{
    struct fr_edits *edits = ctx;
    pthread_mutex_lock(&edits->current_lock);
    const struct fr_snapshot *s = fr_snapshot_ref(edits->current);
    pthread_mutex_unlock(&edits->current_lock);
    return s;
}

void fr_edits_release(void *ctx, const struct fr_snapshot *snapshot)
{
    (void)ctx;
    fr_snapshot_unref(snapshot);
}

/* Builds a snapshot from the store, with the change log of previous (shared:
 * its entries never change) and the entries after previous_last. Sets
 * *last to the newest seq it holds. */
static enum fr_status build_snapshot(struct fr_store *store, const struct fr_snapshot *previous,
                                     long long previous_last, struct fr_snapshot **out,
                                     long long *last, char *error, size_t error_size)
{
    json_t *data = NULL, *changes = NULL, *newer = NULL;
    enum fr_status status = fr_store_load(store, &data, error, error_size);
    if (status != FR_OK)
        goto out;
    status = fr_store_changes(store, previous_last, SIZE_MAX, &newer, error, error_size);
    if (status != FR_OK)
        goto out;
    status = FR_ENOMEM;
    changes = previous ? json_copy((json_t *)fr_snapshot_changes(previous)) : json_array();
    if (!changes || json_array_extend(changes, newer) != 0) {
        snprintf(error, error_size, "out of memory");
        goto out;
    }
    /* Enriched once, before any snapshot shares them. */
    status = fr_model_enrich(newer);
    if (status != FR_OK) {
        snprintf(error, error_size, "a change log entry holds a date or amount that cannot be read");
        goto out;
    }
    *last = previous_last;
    size_t n = json_array_size(changes);
    if (n)
        *last = json_integer_value(json_object_get(json_array_get(changes, n - 1), "seq"));
    if (json_object_set_new(data, "changes", changes) != 0) {
        changes = NULL;
        status = FR_ENOMEM;
        snprintf(error, error_size, "out of memory");
        goto out;
    }
    changes = NULL;
    status = fr_snapshot_build(data, out, error, error_size);
    data = NULL; /* stolen by the build */
out:
    json_decref(data);
    json_decref(changes);
    json_decref(newer);
    return status;
}

enum fr_status fr_edits_new(struct fr_store *store, const struct fr_tokens *tokens,
                            struct fr_edits **out, char *error, size_t error_size)
{
    struct fr_snapshot *first = NULL;
    struct fr_edits *edits = calloc(1, sizeof(*edits));

    *out = NULL;
    if (!edits) {
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    enum fr_status status = build_snapshot(store, NULL, 0, &first, &edits->last_change, error,
                                           error_size);
    if (status != FR_OK) {
        free(edits);
        return status;
    }
    edits->store = store;
    edits->tokens = tokens;
    edits->current = first;
    pthread_mutex_init(&edits->write_lock, NULL);
    pthread_mutex_init(&edits->current_lock, NULL);
    *out = edits;
    return FR_OK;
}

void fr_edits_free(struct fr_edits *edits)
{
    if (!edits)
        return;
    fr_snapshot_unref(edits->current);
    pthread_mutex_destroy(&edits->write_lock);
    pthread_mutex_destroy(&edits->current_lock);
    free(edits);
}

const struct fr_tokens *fr_edits_tokens(const struct fr_edits *edits)
{
    return edits->tokens;
}

/* ---- one edit ------------------------------------------------------------ */

__attribute__((format(printf, 4, 5)))
static void refuse(struct fr_edit_result *result, enum fr_status status, const char *problem,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(result->detail, sizeof(result->detail), fmt, ap);
    va_end(ap);
    result->status = status;
    result->problem = problem;
}

/* Does If-Match name the item's current representation, identity or gzip? */
static bool if_match_holds(const char *if_match, const struct fr_item *item)
{
    char gzip_etag[FR_ETAG_SIZE];
    fr_etag(item->rep.body, item->rep.len, true, gzip_etag);
    return fr_etag_matches_strong(if_match, item->rep.etag) ||
           fr_etag_matches_strong(if_match, gzip_etag);
}

/* The record a PATCH (or a nested CREATE) makes from the stored one: a new
 * reference, or NULL with result refused. */
static json_t *changed_record(struct fr_edits *edits, const struct fr_edit *edit,
                              const char *table, long long *version,
                              struct fr_edit_result *result)
{
    json_t *stored = NULL, *changed = NULL;
    char error[512] = "";
    enum fr_status status = fr_store_get(edits->store, table, edit->id, &stored, error,
                                         sizeof(error));
    if (status != FR_OK) {
        refuse(result, status, status == FR_ENOTFOUND ? "not-found" : NULL, "%s", error);
        return NULL;
    }
    *version = json_integer_value(json_object_get(stored, "version"));
    for (const char *const *m = revision_members; *m; m++)
        json_object_del(stored, *m);
    if (edit->child) {
        /* A nested record joins the end of its parent's list. */
        changed = json_incref(stored);
        json_t *list = json_object_get(changed, edit->child);
        if (!json_is_array(list)) {
            list = json_array();
            json_object_set_new(changed, edit->child, list);
        }
        if (!list || json_array_append(list, (json_t *)edit->body) != 0) {
            json_decref(changed);
            changed = NULL;
        }
    } else {
        changed = fr_merge_patch(stored, edit->body);
    }
    json_decref(stored);
    if (!changed)
        refuse(result, FR_ENOMEM, NULL, "out of memory");
    return changed;
}

/* Errors about a nested record carry its pointer inside the parent
 * ("/capacities/3/gpu_count"); the client sent only the nested record. */
static void rebase_errors(json_t *errors, const char *child, size_t position)
{
    char prefix[128];
    int n = snprintf(prefix, sizeof(prefix), "/%s/%zu", child, position);
    size_t len = (size_t)n;
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *pointer = json_string_value(json_object_get(e, "pointer"));
        if (pointer && strncmp(pointer, prefix, len) == 0 &&
            (pointer[len] == '\0' || pointer[len] == '/'))
            json_object_set_new(e, "pointer", json_string(pointer + len));
    }
}

/* Writes and, after a commit that changed something, swaps in the next
 * snapshot. Called with write_lock held. */
static void write_and_publish(struct fr_edits *edits, const struct fr_write *write,
                              enum fr_collection_id collection, const char *id,
                              struct fr_edit_result *result)
{
    struct fr_write_result written;
    struct fr_snapshot *next = NULL;
    char error[512] = "";
    long long last = edits->last_change;

    enum fr_status status = fr_store_write(edits->store, write, &written, error, sizeof(error));
    if (status != FR_OK) {
        refuse(result, status, written.problem, "%s", error);
        result->errors = written.errors;
        written.errors = NULL;
        goto out;
    }
    result->replayed = written.replayed;
    result->version = written.version;
    result->change = written.change;
    if (written.change > edits->last_change) {
        status = build_snapshot(edits->store, edits->current, edits->last_change, &next, &last,
                                error, sizeof(error));
        if (status != FR_OK) {
            /* Durable but not yet visible: the next write's build shows it. */
            refuse(result, status, NULL,
                   "the write was committed (change %lld) but the new snapshot could not be "
                   "built: %s", written.change, error);
            goto out;
        }
        pthread_mutex_lock(&edits->current_lock);
        const struct fr_snapshot *old = edits->current;
        edits->current = next;
        edits->last_change = last;
        pthread_mutex_unlock(&edits->current_lock);
        fr_snapshot_unref(old);
    }
    result->status = FR_OK;
    result->snapshot = fr_snapshot_ref(edits->current);
    if (write->action != FR_WRITE_DELETE) {
        const struct fr_collection *coll = fr_snapshot_collection(result->snapshot, collection);
        result->item = id ? fr_collection_find(coll, id) : NULL;
        if (!result->item && written.record) {
            result->replay_body = fr_model_render_record(written.record);
            if (!result->replay_body)
                refuse(result, FR_ENOMEM, NULL, "out of memory rendering the record");
        }
    }
out:
    fr_write_result_cleanup(&written);
}

void fr_edits_apply(struct fr_edits *edits, const struct fr_edit *edit,
                    struct fr_edit_result *result)
{
    const struct fr_collection_def *def = fr_collection_def_get(edit->collection);
    json_t *record = NULL;

    memset(result, 0, sizeof(*result));
    if (!def || !def->data_key) {
        refuse(result, FR_EINVAL, NULL, "no table to write");
        return;
    }
    struct fr_write write = {
        .action = edit->action,
        .table = def->data_key,
        .actor = edit->actor,
    };
    const char *id = edit->id;
    bool nested = edit->action == FR_WRITE_CREATE && edit->child;

    pthread_mutex_lock(&edits->write_lock);
    if (edit->action == FR_WRITE_CREATE && !nested) {
        write.record = edit->body;
        write.idempotency_key = edit->idempotency_key;
        write.request_digest = edit->request_digest;
        id = json_string_value(json_object_get(edit->body, "id"));
        write_and_publish(edits, &write, edit->collection, id, result);
        goto out;
    }

    const struct fr_item *item =
        fr_collection_find(fr_snapshot_collection(edits->current, edit->collection), id);
    if (!item) {
        refuse(result, FR_ENOTFOUND, "not-found", "there is no %s with id '%s'",
               def->item_name, id);
        goto out;
    }
    if (!nested && !if_match_holds(edit->if_match, item)) {
        refuse(result, FR_ECONFLICT, "precondition-failed",
               "If-Match does not name this %s's current representation, whose ETag is %s: "
               "it has changed since it was read; read it again and reapply the change",
               def->item_name, item->rep.etag);
        goto out;
    }
    if (edit->action == FR_WRITE_DELETE) {
        write.id = id;
        write.expected_version = json_integer_value(json_object_get(item->obj, "version"));
        write_and_publish(edits, &write, edit->collection, id, result);
        goto out;
    }
    if (!nested) {
        const json_t *citations = json_object_get(edit->body, "citations");
        if (!json_is_array(citations) || json_array_size(citations) == 0) {
            refuse(result, FR_EINVAL, "missing-provenance",
                   "a change must cite where it comes from: send 'citations' (each with a "
                   "source and a quote) for the changed record");
            result->errors = json_pack("[{s:s, s:s}]", "pointer", "/citations", "detail",
                                       "required in every PATCH: a non-empty array of "
                                       "citations, each with a source and a quote");
            goto out;
        }
    }
    record = changed_record(edits, edit, def->data_key, &write.expected_version, result);
    if (!record)
        goto out;
    write.action = FR_WRITE_REPLACE;
    write.id = id;
    write.record = record;
    if (nested) {
        write.idempotency_key = edit->idempotency_key;
        write.request_digest = edit->request_digest;
    }
    write_and_publish(edits, &write, edit->collection, id, result);
    if (nested && result->errors) {
        json_t *list = json_object_get(record, edit->child);
        rebase_errors(result->errors, edit->child, json_array_size(list) - 1);
    }
out:
    pthread_mutex_unlock(&edits->write_lock);
    json_decref(record);
}

void fr_edit_result_cleanup(struct fr_edit_result *result)
{
    fr_snapshot_unref(result->snapshot);
    json_decref(result->errors);
    free(result->replay_body);
    memset(result, 0, sizeof(*result));
}
