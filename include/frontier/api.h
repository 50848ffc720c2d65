/*
 * The API's routes: one table per resource (src/api/<resource>.c), gathered
 * here for the server.
 */
#ifndef FRONTIER_API_H
#define FRONTIER_API_H

#include "frontier/http.h"

/* Every route table of the API, NULL-ended. */
extern const struct fr_route *const fr_api_routes[];

#endif
