/*
 * Compute build-out. A cluster's capacity is a record at a
 * point in time (Colossus: 100,000 GPUs in July 2024, 200,000 in February
 * 2025, 1,000,000 planned), so each record says how it compares with the one
 * before it: "doubled" is a multiple of 2, computed, not retyped.
 */
#include "snapshot.h"

enum fr_status compute_add_capacity_multiples(struct fr_snapshot *snapshot)
{
    struct fr_collection *clusters = &snapshot->collections[FR_COLL_CLUSTERS];
    for (size_t i = 0; i < clusters->count; i++) {
        json_t *capacities = json_object_get(clusters->items[i].obj, "capacities");
        enum fr_status status = sort_by_date(capacities, "date");
        if (status != FR_OK)
            return status;
        json_int_t previous = 0;
        size_t k;
        json_t *c;
        json_array_foreach(capacities, k, c) {
            json_int_t count = json_integer_value(json_object_get(c, "gpu_count"));
            json_t *multiple = previous > 0 ? json_real((double)count / (double)previous)
                                            : json_null();
            if (!multiple || json_object_set_new(c, "multiple_of_previous", multiple))
                return FR_ENOMEM;
            previous = count;
        }
    }
    return FR_OK;
}
