/*
 * Fuzzes writes as the network reaches them: a request written as text
 * (fuzz.h) is routed with a real writer (src/edit/) on a store
 * with the seed, one bearer token configured (FUZZ_TOKEN, which the seeds
 * carry). This covers what src/api/writes.c reads before anything is
 * written (Authorization, the query, Content-Type, the JSON body,
 * Idempotency-Key, If-Match), then the writer's checks (the item, the
 * precondition, JSON Merge Patch) and the store's validation of the record
 * down to its dates, money and references. A write that succeeds changes
 * the store, so the store is opened afresh after one: every input starts
 * from the seed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "frontier/api.h"
#include "frontier/auth.h"
#include "frontier/edits.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fr_tokens *tokens;
static struct fr_store *store;
static struct fr_edits *edits;

static void open_writer(void)
{
    char error[1024] = "";

    store = fuzz_store_open_fresh();
    if (fr_edits_new(store, tokens, &edits, error, sizeof error) != FR_OK)
        fuzz_fail("starting the writer: %s", error);
}

static void close_writer(void)
{
    fr_edits_free(edits);
    fr_store_close(store);
    edits = NULL;
    store = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tokens = fuzz_tokens_new();
    open_writer();
    return 0;
}

static bool is_write(enum fr_method method)
{
    return (method & (FR_METHOD_POST | FR_METHOD_PUT | FR_METHOD_PATCH | FR_METHOD_DELETE)) != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_request r;
    struct fr_response resp;
    const struct fr_snapshot *snapshot = NULL;

    if (!fuzz_request_parse(data, size, &r))
        return 0;
    snapshot = fr_edits_acquire(edits);
    r.req.snapshot = snapshot;
    r.req.edits = edits;
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &r.req, &resp);
    fr_response_finish(&r.req, &resp, NULL);
    fuzz_check_response(&r.req, &resp);
    /* Whatever a client sends, a write is refused with a 4xx or made: a 500
     * means the checks let through something the store could not take. */
    FUZZ_CHECK(resp.status != 500, "%s %s answered 500: %.*s", r.req.method_name, r.req.path,
               (int)resp.body_len, resp.body);
    bool written = is_write(r.req.method) && resp.status >= 200 && resp.status < 300;
    fr_response_cleanup(&resp);
    fr_edits_release(edits, snapshot);
    fuzz_request_cleanup(&r);
    if (written) {
        close_writer();
        open_writer();
    }
    return 0;
}
