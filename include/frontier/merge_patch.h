/*
 * JSON Merge Patch (RFC 7396): the body of a PATCH says which members to
 * set (any value), to remove (null) or to merge into (an object); arrays
 * and other values replace what was there whole.
 */
#ifndef FRONTIER_MERGE_PATCH_H
#define FRONTIER_MERGE_PATCH_H

#include <jansson.h>

/* Returns target with patch applied, as a new reference: target is not
 * changed (what it shares with the result is copied first), patch is
 * borrowed. A patch that is not an object replaces target whole (a copy of
 * it). target may be NULL (nothing there yet). NULL only when memory ran
 * out. */
json_t *fr_merge_patch(const json_t *target, const json_t *patch);

#endif
