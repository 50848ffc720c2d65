/*
 * The metrics registry behind GET /metrics: request counts by method, route
 * template and status code, request durations by route, requests in flight,
 * and facts about the snapshot and the process, rendered in the Prometheus
 * text exposition format 0.0.4.
 *
 * Every route of the route tables gets its slot once, when the registry is
 * made; a request is then counted with a few relaxed atomic additions into
 * fixed arrays indexed by the route's position (fr_request.route_index, set
 * by the router), the method and the status code. No lock, no allocation
 * and no string comparison happen per request.
 */
#ifndef FRONTIER_METRICS_H
#define FRONTIER_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "frontier/buf.h"
#include "frontier/http.h"
#include "frontier/status.h"

#define FR_CONTENT_PROMETHEUS "text/plain; version=0.0.4; charset=utf-8"

struct fr_metrics;
struct fr_snapshot;

/* Makes a registry for the routes of tables (NULL-ended, borrowed: they must
 * outlive the registry, as the static route tables do) and the build's
 * version (copied). Routes that share a pattern share their series. Returns
 * FR_OK, FR_EINVAL (version is NULL) or FR_ENOMEM. The caller frees *out
 * with fr_metrics_free(). */
enum fr_status fr_metrics_new(const struct fr_route *const *tables, const char *version,
                              struct fr_metrics **out);
void fr_metrics_free(struct fr_metrics *metrics);

/* How long opening the store, loading it and building the snapshot took at
 * start-up. Call before the server starts. */
void fr_metrics_set_load_duration(struct fr_metrics *metrics, uint64_t nanoseconds);

/* A request has arrived / has ended (answered or not): the in-flight gauge.
 * Safe from any thread; metrics may be NULL. */
void fr_metrics_request_begin(struct fr_metrics *metrics);
void fr_metrics_request_end(struct fr_metrics *metrics);

/* Counts one answered request. route_index is fr_request.route_index, or
 * FR_ROUTE_NONE when no route matched (the "unmatched" series); an index the
 * registry does not know counts as unmatched. status is the HTTP status
 * sent; one outside 100 to 599 is counted with code "other", and a valid one
 * the registry has no slot for with its class ("2xx"). Safe from any
 * thread; metrics may be NULL. */
void fr_metrics_observe(struct fr_metrics *metrics, size_t route_index, enum fr_method method,
                        int status, uint64_t duration_ns);

/* Appends the exposition to out: every series counted so far, the
 * in-flight gauge, the snapshot's version, build time and load duration
 * (snapshot may be NULL: those series are then left out), resident memory,
 * the process's start time and the build's version. Reads the counters
 * without stopping writers, so series observed concurrently may be one
 * request apart. Returns FR_OK, FR_EIO (/proc/self/statm unreadable) or
 * FR_ENOMEM; on failure out may hold part of the text. */
enum fr_status fr_metrics_render(const struct fr_metrics *metrics,
                                 const struct fr_snapshot *snapshot, struct fr_buf *out);

/* Appends text (borrowed) to out as a label value of the exposition format:
 * '\\', '"' and line feeds escaped. */
enum fr_status fr_metrics_append_label_value(struct fr_buf *out, const char *text);

#endif
