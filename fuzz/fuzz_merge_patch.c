/*
 * Fuzzes JSON Merge Patch (RFC 7396) as PATCH applies it: the input holds
 * two JSON texts one after the other, the target (a stored record) and the
 * patch (a request body). The result must exist, leave both inputs as they
 * were, and be a fixed point: applying the same patch again changes
 * nothing, as the RFC's algorithm guarantees.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "frontier/merge_patch.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t error;
    json_t *target = NULL, *patch = NULL, *target_copy = NULL, *patch_copy = NULL;
    json_t *once = NULL, *twice = NULL;

    target = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
                        &error);
    if (target == NULL)
        goto out;
    size_t used = (size_t)error.position;
    patch = json_loadb((const char *)data + used, size - used, JSON_DECODE_ANY, &error);
    if (patch == NULL)
        goto out;
    target_copy = json_deep_copy(target);
    patch_copy = json_deep_copy(patch);
    FUZZ_CHECK(target_copy != NULL && patch_copy != NULL, "out of memory copying the inputs");

    once = fr_merge_patch(target, patch);
    FUZZ_CHECK(once != NULL, "the merge failed");
    FUZZ_CHECK(json_equal(target, target_copy), "the merge changed its target");
    FUZZ_CHECK(json_equal(patch, patch_copy), "the merge changed its patch");
    twice = fr_merge_patch(once, patch);
    FUZZ_CHECK(twice != NULL, "the second merge failed");
    FUZZ_CHECK(json_equal(once, twice), "applying the patch twice differs from once");
    /* Without a target (nothing stored yet) the patch still makes a value. */
    json_decref(twice);
    twice = fr_merge_patch(NULL, patch);
    FUZZ_CHECK(twice != NULL, "the merge onto nothing failed");

out:
    json_decref(twice);
    json_decref(once);
    json_decref(patch_copy);
    json_decref(target_copy);
    json_decref(patch);
    json_decref(target);
    return 0;
}
