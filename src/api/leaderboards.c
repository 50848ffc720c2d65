/*
 * /v1/leaderboards and /v1/leaderboards/{benchmark}: rankings of comparable
 * scores only (one evaluator, relationship and tool setting per ranking),
 * ties sharing a rank. ?as_of=YYYY-MM-DD answers how the board stood at the
 * end of that day; without it the board is served as rendered at load.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

static void leaderboards_list(const struct fr_request *req, struct fr_response *resp)
{
    api_list(req, resp, FR_COLL_LEADERBOARDS);
}

static void leaderboard_get(const struct fr_request *req, struct fr_response *resp)
{
    static const char *const accepted[] = {"as_of", NULL};
    const char *benchmark = req->path_params[0];
    struct fr_date as_of;
    json_t *board = NULL;

    if (api_not_ready(req, resp))
        return;
    if (!fr_collection_find(fr_snapshot_collection(req->snapshot, FR_COLL_BENCHMARKS),
                            benchmark)) {
        api_not_found(req, resp, "benchmark", benchmark);
        return;
    }
    if (fr_request_check_query(req, accepted, resp) != FR_OK)
        return;
    bool given = false;
    const char *value = fr_request_query(req, "as_of", &given);
    if (!given) {
        api_get(req, resp, FR_COLL_LEADERBOARDS);
        return;
    }
    if (!api_parse_as_of(req, resp, value, &as_of))
        return;
    enum fr_status status = fr_leaderboard_build(req->snapshot, benchmark, &as_of, &board);
    if (status == FR_ENOTFOUND) {
        api_not_found(req, resp, "benchmark", benchmark);
        return;
    }
    if (status != FR_OK) {
        fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                            "the leaderboard could not be built", NULL);
        return;
    }
    fr_response_json(resp, 200, board);
    json_decref(board);
}

const struct fr_route leaderboards_routes[] = {
    {FR_METHOD_GET, "/v1/leaderboards", leaderboards_list},
    {FR_METHOD_GET, "/v1/leaderboards/{benchmark}", leaderboard_get},
    {0, NULL, NULL},
};
