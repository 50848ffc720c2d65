/*
 * /v1/organizations: companies, labs, banks, evaluators and publishers
 * (filter: kind), and /v1/organizations/{id}/funding: an organization's
 * rounds with running totals beside the totals the sources report.
 */
#include "api.h"

API_COLLECTION_HANDLERS(organizations, FR_COLL_ORGANIZATIONS)

static void organization_funding(const struct fr_request *req, struct fr_response *resp)
{
    api_get(req, resp, FR_COLL_ORGANIZATION_FUNDING);
}

const struct fr_route organizations_routes[] = {
    {FR_METHOD_GET, "/v1/organizations", organizations_list},
    {FR_METHOD_GET, "/v1/organizations/{id}", organizations_get},
    API_WRITE_ROUTES(organizations, "/v1/organizations"),
    {FR_METHOD_GET, "/v1/organizations/{id}/funding", organization_funding},
    {0, NULL, NULL},
};
