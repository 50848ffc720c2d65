/*
 * Fuzzes the cursors a client sends back (?cursor=): the input's first byte
 * picks a collection of the seed's snapshot, the rest is the cursor's text.
 * A cursor that decodes must name a position in the collection, right after
 * an item whose own cursor decodes to the same place. Beside it, the
 * base64url codec under the cursors: whatever it encodes decodes to the
 * same bytes, and whatever it decodes encodes to text that decodes alike.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/buf.h"
#include "frontier/model.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fr_snapshot *snapshot;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snapshot = fuzz_snapshot_load();
    return 0;
}

/* decode(encode(bytes)) is bytes; encode(decode(text)) decodes to the same. */
static void check_base64url(const uint8_t *bytes, size_t len, const char *text)
{
    struct fr_buf encoded, decoded, again;

    fr_buf_init(&encoded);
    fr_buf_init(&decoded);
    fr_buf_init(&again);
    FUZZ_CHECK(fr_base64url_encode(&encoded, bytes, len) == FR_OK, "encoding failed");
    FUZZ_CHECK(fr_base64url_decode(&decoded, encoded.data ? encoded.data : "", encoded.len) ==
                       FR_OK &&
                   decoded.len == len && (len == 0 || memcmp(decoded.data, bytes, len) == 0),
               "%zu bytes do not survive base64url", len);
    fr_buf_cleanup(&encoded);
    fr_buf_cleanup(&decoded);

    if (fr_base64url_decode(&decoded, text, strlen(text)) == FR_OK) {
        FUZZ_CHECK(fr_base64url_encode(&encoded, decoded.data ? decoded.data : "", decoded.len) ==
                       FR_OK,
                   "re-encoding failed");
        FUZZ_CHECK(fr_base64url_decode(&again, encoded.data ? encoded.data : "", encoded.len) ==
                           FR_OK &&
                       again.len == decoded.len &&
                       (decoded.len == 0 || memcmp(again.data, decoded.data, decoded.len) == 0),
                   "'%s' decodes differently once re-encoded", text);
    }
    fr_buf_cleanup(&encoded);
    fr_buf_cleanup(&decoded);
    fr_buf_cleanup(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum fr_collection_id id = (enum fr_collection_id)(data[0] % FR_COLL_COUNT);
    const struct fr_collection *coll = fr_snapshot_collection(snapshot, id);
    char *text = fuzz_strndup(data + 1, size - 1);
    size_t start = 0;
    struct fr_buf again;

    check_base64url(data + 1, size - 1, text);
    if (fr_cursor_decode(coll, text, &start) == FR_OK) {
        FUZZ_CHECK(start >= 1 && start <= coll->count, "cursor '%s' names position %zu of %zu",
                   text, start, coll->count);
        size_t back = 0;
        fr_buf_init(&again);
        FUZZ_CHECK(fr_cursor_encode(coll->items[start - 1].id, &again) == FR_OK,
                   "encoding a cursor failed");
        FUZZ_CHECK(fr_cursor_decode(coll, again.data, &back) == FR_OK && back == start,
                   "cursor '%s' and its item's cursor '%s' disagree", text, again.data);
        fr_buf_cleanup(&again);
    }
    free(text);
    return 0;
}
