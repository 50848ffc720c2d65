/*
 * JSON Merge Patch (RFC 7396, include/frontier/merge_patch.h), as PATCH
 * applies it to a stored record. The result shares nothing with either
 * input: the target is usually a record of a published snapshot that other
 * threads are reading, and the caller goes on to change the result (version,
 * timestamps), so every value that reaches it is a deep copy.
 */
#include "frontier/merge_patch.h"

/* Section 2's MergePatch(Target, Patch), with the result built beside the
 * target instead of over it. */
json_t *fr_merge_patch(const json_t *target, const json_t *patch)
{
    json_t *result = NULL;
    const char *key;
    json_t *value;

    if (!json_is_object(patch)) {
        return json_deep_copy(patch);
    }
    result = json_is_object(target) ? json_deep_copy(target) : json_object();
    if (result == NULL) {
        goto fail;
    }
    /* json_object_foreach only reads patch, but jansson's iterator takes a
     * non-const object. */
    json_object_foreach ((json_t *)patch, key, value) {
        json_t *merged;

        if (json_is_null(value)) {
            json_object_del(result, key); /* absent already is fine */
            continue;
        }
        /* From target, not result: the copy in result is replaced whole.
         * json_object_get gives NULL for a target that is not an object. */
        merged = fr_merge_patch(json_object_get(target, key), value);
        if (merged == NULL || json_object_set_new(result, key, merged) != 0) {
            goto fail;
        }
    }
    return result;

fail:
    json_decref(result);
    return NULL;
}
