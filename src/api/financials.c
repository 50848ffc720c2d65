/*
 * /v1/financials: burn rate, cash, revenue, capital expenditure and profitability targets, actual or forecast, with who forecast them (filters: organization, metric, kind).
 */
#include "api.h"

API_COLLECTION_HANDLERS(financials, FR_COLL_FINANCIALS)

const struct fr_route financials_routes[] = {
    {FR_METHOD_GET, "/v1/financials", financials_list},
    {FR_METHOD_GET, "/v1/financials/{id}", financials_get},
    API_WRITE_ROUTES(financials, "/v1/financials"),
    {0, NULL, NULL},
};
