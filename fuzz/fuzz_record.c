/*
 * Fuzzes the validation of a written record directly, without HTTP in the
 * way: the input's first line names a top-level table (and, after a space,
 * an id to replace; else a new record is created), the rest is the record
 * as JSON, handed to fr_store_write on a store holding the seed. A
 * refusal must name its problem and list where each one is (JSON
 * Pointers); SQLite itself must refuse nothing, since every constraint is
 * judged first. A record the store accepts must be one the model can
 * serve: it is rendered as a response shows it, and the whole snapshot is
 * rebuilt with it. The store is opened afresh after an accepted write.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/model.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fr_store *store;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    store = fuzz_store_open_fresh();
    return 0;
}

static bool is_table(const char *name)
{
    for (const char *const *t = fr_store_tables(); *t != NULL; t++) {
        if (strcmp(*t, name) == 0)
            return true;
    }
    return false;
}

/* Each refusal's errors are [{"pointer": "" or "/...", "detail": text}]. */
static void check_errors(const json_t *errors)
{
    size_t i;
    const json_t *e;

    FUZZ_CHECK(json_is_array(errors) && json_array_size(errors) > 0,
               "an invalid record without its list of errors");
    json_array_foreach (errors, i, e) {
        const char *pointer = json_string_value(json_object_get(e, "pointer"));
        const char *detail = json_string_value(json_object_get(e, "detail"));
        FUZZ_CHECK(pointer != NULL && (pointer[0] == '\0' || pointer[0] == '/'),
                   "error %zu has no JSON Pointer", i);
        FUZZ_CHECK(detail != NULL && detail[0] != '\0', "error %zu (%s) has no detail", i,
                   pointer);
    }
}

/* The accepted record renders, and the snapshot builds with it. */
static void check_servable(const json_t *record)
{
    char error[1024] = "";
    json_t *data = NULL;
    struct fr_snapshot *snapshot = NULL;
    char *text = fr_model_render_record(record);

    FUZZ_CHECK(text != NULL, "an accepted record does not render");
    free(text);
    if (fr_store_load(store, &data, error, sizeof error) != FR_OK)
        fuzz_fail("the store does not load after an accepted write: %s", error);
    if (fr_snapshot_build(data, &snapshot, error, sizeof error) != FR_OK)
        fuzz_fail("the snapshot does not build after an accepted write: %s", error);
    fr_snapshot_unref(snapshot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *lf = memchr(data, '\n', size);
    char *first = NULL;
    json_t *record = NULL;
    struct fr_write_result result;
    char error[1024] = "";

    if (lf == NULL)
        return 0;
    first = fuzz_strndup(data, (size_t)(lf - data));
    char *id = strchr(first, ' ');
    if (id != NULL)
        *id++ = '\0';
    if (!is_table(first))
        goto out;
    /* What writes.c hands on: one JSON object, duplicates refused. */
    record = json_loadb((const char *)lf + 1, size - (size_t)(lf + 1 - data),
                        JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(record))
        goto out;

    struct fr_write write = {
        .action = id != NULL ? FR_WRITE_REPLACE : FR_WRITE_CREATE,
        .table = first,
        .id = id,
        .record = record,
        .expected_version = 1, /* every seeded record's */
        .actor = "fuzz",
    };
    enum fr_status status = fr_store_write(store, &write, &result, error, sizeof error);
    FUZZ_CHECK(status != FR_EDB, "SQLite refused a write the checks let through: %s", error);
    if (status == FR_OK) {
        FUZZ_CHECK(result.record != NULL, "an accepted write without its record");
        check_servable(result.record);
    } else {
        FUZZ_CHECK(result.problem != NULL, "a refusal (%d) without a problem: %s", status,
                   error);
        FUZZ_CHECK(error[0] != '\0', "a refusal (%s) without a sentence", result.problem);
        if (strcmp(result.problem, "invalid-record") == 0)
            check_errors(result.errors);
    }
    fr_write_result_cleanup(&result);
    if (status == FR_OK) {
        fr_store_close(store);
        store = fuzz_store_open_fresh();
    }
out:
    json_decref(record);
    free(first);
    return 0;
}
