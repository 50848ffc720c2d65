/*
 * The article's figures, read back through the HTTP API of a real frontierd.
 *
 * frontier-api exists to serve every figure of one article with its
 * provenance. This test holds a table of those figures, one row per figure
 * and record that carries it, and checks each against the API alone: the
 * value in the record, and a citation whose quote contains the Chinese words
 * that state the figure. The article itself (data/seed/article-zh.txt, found
 * through FRONTIER_SOURCE_DIR) is read only to confirm that every quote the
 * API serves is verbatim: the article is the source, the dataset is not.
 *
 * Beyond the table: the two HLE scores of Grok 4 stay separate records that
 * no leaderboard ranks together, and before the launch day Gemini 2.5 Pro
 * leads HLE with its earlier 21%.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "support.h"

/* The source id the API gives the article in citations[].quoted_in. */
#define ARTICLE_ID "yicai-grok4-article"
/* The article, relative to the source tree. */
#define ARTICLE_PATH "data/seed/article-zh.txt"
/* The brief's floor for the number of distinct figures the table covers. */
#define MIN_FIGURES 30

/* ---- expected values --------------------------------------------------- */

enum expect_kind {
    EXPECT_INT,   /* a JSON integer */
    EXPECT_REAL,  /* any JSON number, compared exactly */
    EXPECT_STR,   /* a JSON string */
    EXPECT_BOOL,  /* true or false */
    EXPECT_MONEY, /* {amount_minor, currency, ...} */
    EXPECT_DATE,  /* {value, precision, qualifier, ...}; qualifier NULL = null */
    EXPECT_LEN,   /* an array of this many elements */
};

struct expect {
    enum expect_kind kind;
    json_int_t integer;    /* INT, MONEY (minor units), LEN */
    double real;           /* REAL */
    bool boolean;          /* BOOL */
    const char *text;      /* STR; MONEY's currency; DATE's value */
    const char *precision; /* DATE */
    const char *qualifier; /* DATE; NULL when the API must say null */
};

#define X_INT(v) {.kind = EXPECT_INT, .integer = (v)}
#define X_REAL(v) {.kind = EXPECT_REAL, .real = (v)}
#define X_STR(v) {.kind = EXPECT_STR, .text = (v)}
#define X_BOOL(v) {.kind = EXPECT_BOOL, .boolean = (v)}
#define X_MONEY(minor, currency) {.kind = EXPECT_MONEY, .integer = (minor), .text = (currency)}
#define X_DATE(v, p, q) {.kind = EXPECT_DATE, .text = (v), .precision = (p), .qualifier = (q)}
#define X_LEN(n) {.kind = EXPECT_LEN, .integer = (n)}

/* US$ and RMB amounts in minor units (cents, fen). */
#define BILLION_MINOR ((json_int_t)100000000000)
#define MILLION_MINOR ((json_int_t)100000000)

/* One figure as one record of the API carries it. */
struct fact {
    const char *figure;    /* names the figure; rows naming the same one count once */
    const char *target;    /* the GET target */
    const char *record;    /* path from the body to the record ("" = the body) */
    const char *member;    /* path from the record to the figure */
    struct expect expected;
    const char *quote_has; /* what one of the record's quotes must contain */
};

/* ---- the table --------------------------------------------------------- */

static const struct fact facts[] = {
    /* Benchmarks presented by xAI at the launch. */
    {"AIME25 perfect score", "/v1/results/grok-4-aime-2025-xai", "", "score",
     X_REAL(100.0), "满分"},
    {"AIME25 perfect score", "/v1/results/grok-4-aime-2025-xai", "", "evaluator_relationship",
     X_STR("first_party"), "满分"},
    {"HLE 26.9% without tools (xAI)", "/v1/results/grok-4-hle-xai-no-tools", "", "score",
     X_REAL(26.9), "26.9%"},
    {"HLE 26.9% without tools (xAI)", "/v1/results/grok-4-hle-xai-no-tools", "", "evaluator",
     X_STR("xai"), "26.9%"},
    {"HLE 26.9% without tools (xAI)", "/v1/results/grok-4-hle-xai-no-tools", "",
     "evaluator_relationship", X_STR("first_party"), "26.9%"},
    {"HLE 26.9% without tools (xAI)", "/v1/results/grok-4-hle-xai-no-tools", "", "tools",
     X_STR("none"), "不用工具"},
    {"HLE has 2,500 questions", "/v1/benchmarks/humanitys-last-exam", "", "question_count",
     X_INT(2500), "2500 个专家级问题"},
    {"HLE covers 100+ subjects", "/v1/benchmarks/humanitys-last-exam", "", "subject_count_min",
     X_INT(100), "上百个学科"},

    /* Artificial Analysis: the Intelligence Index and its own HLE run. */
    {"Intelligence Index: Grok 4 73", "/v1/results/grok-4-aa-intelligence-index", "", "score",
     X_REAL(73.0), "达到 73"},
    {"Intelligence Index: Grok 4 ranked first",
     "/v1/leaderboards/artificial-analysis-intelligence-index",
     "rankings/0/entries/result=grok-4-aa-intelligence-index", "rank", X_INT(1), "第一名"},
    {"Intelligence Index: o3 70", "/v1/results/o3-aa-intelligence-index", "", "score",
     X_REAL(70.0), "o3(70)"},
    {"Intelligence Index: Gemini 2.5 Pro 70", "/v1/results/gemini-2-5-pro-aa-intelligence-index",
     "", "score", X_REAL(70.0), "Gemini 2.5 Pro(70)"},
    {"Intelligence Index: Claude 4 Opus 64", "/v1/results/claude-4-opus-aa-intelligence-index",
     "", "score", X_REAL(64.0), "Claude 4 Opus(64)"},
    {"Intelligence Index: DeepSeek R1 0528 68",
     "/v1/results/deepseek-r1-0528-aa-intelligence-index", "", "score", X_REAL(68.0),
     "DeepSeek R1 0528(68)"},
    {"HLE 24% (Artificial Analysis)", "/v1/results/grok-4-hle-artificial-analysis", "", "score",
     X_REAL(24.0), "24%"},
    {"HLE 24% (Artificial Analysis)", "/v1/results/grok-4-hle-artificial-analysis", "",
     "evaluator", X_STR("artificial-analysis"), "Artificial Analysis 的测试"},
    {"HLE 24% (Artificial Analysis)", "/v1/results/grok-4-hle-artificial-analysis", "",
     "evaluator_relationship", X_STR("third_party"), "Artificial Analysis 的测试"},
    {"HLE: Gemini 2.5 Pro's previous 21%", "/v1/results/gemini-2-5-pro-hle-artificial-analysis",
     "", "score", X_REAL(21.0), "之前 21%"},
    {"HLE: Gemini 2.5 Pro's previous 21%", "/v1/results/gemini-2-5-pro-hle-artificial-analysis",
     "", "known_since", X_DATE("2025-07-10", "day", "before"), "之前 21%"},

    /* Compute claims made in the livestream. */
    {"training compute 100x Grok 2", "/v1/models/grok-4",
     "claims/id=grok-4-training-compute-100x-grok-2", "value", X_REAL(100.0), "Grok 2 的 100 倍"},
    {"training compute 100x Grok 2", "/v1/models/grok-4",
     "claims/id=grok-4-training-compute-100x-grok-2", "relative_to", X_STR("grok-2"),
     "Grok 2 的 100 倍"},
    {"training compute 100x Grok 2", "/v1/models/grok-4",
     "claims/id=grok-4-training-compute-100x-grok-2", "comparator", X_STR("eq"),
     "Grok 2 的 100 倍"},
    {"RL compute more than 10x any other model", "/v1/models/grok-4",
     "claims/id=grok-4-rl-compute-over-10x-market", "value", X_REAL(10.0), "10 倍以上"},
    {"RL compute more than 10x any other model", "/v1/models/grok-4",
     "claims/id=grok-4-rl-compute-over-10x-market", "comparator", X_STR("gt"), "10 倍以上"},

    /* Prices. */
    {"Grok 4 US$30/month", "/v1/models/grok-4", "plans/id=grok-4-subscription", "price",
     X_MONEY(3000, "USD"), "30 美元/月"},
    {"Grok 4 US$30/month", "/v1/models/grok-4", "plans/id=grok-4-subscription", "period",
     X_STR("month"), "30 美元/月"},
    {"Grok 4 Heavy US$300/month", "/v1/models/grok-4-heavy",
     "plans/id=grok-4-heavy-subscription", "price", X_MONEY(30000, "USD"), "300 美元/月"},
    {"Grok 4 Heavy US$300/month", "/v1/models/grok-4-heavy",
     "plans/id=grok-4-heavy-subscription", "period", X_STR("month"), "300 美元/月"},
    {"Grok 3 stays free", "/v1/models/grok-3", "plans/id=grok-3-free", "is_free", X_BOOL(true),
     "维持免费开放"},
    {"Grok 3 stays free", "/v1/models/grok-3", "plans/id=grok-3-free", "price",
     X_MONEY(0, "USD"), "维持免费开放"},

    /* The launch: noon on 10 July 2025, about an hour late. */
    {"launch 2025-07-10 12:00+08:00", "/v1/timeline/grok-4-launch-livestream", "", "date",
     X_DATE("2025-07-10T12:00+08:00", "minute", NULL), "7 月 10 日中午 12 点"},
    {"launch 2025-07-10 12:00+08:00", "/v1/sources/xai-grok4-livestream", "", "published",
     X_DATE("2025-07-10T12:00+08:00", "minute", NULL), "7 月 10 日中午 12 点"},
    {"launch 2025-07-10 12:00+08:00", "/v1/models/grok-4", "", "released",
     X_DATE("2025-07-10", "day", NULL), "7 月 10 日"},
    {"launch about an hour late", "/v1/timeline/grok-4-launch-livestream",
     "revisions/id=grok-4-launch-livestream-rev-1", "promised",
     X_DATE("2025-07-10T11:00+08:00", "minute", "about"), "推迟了约一小时"},
    {"launch about an hour late", "/v1/timeline/grok-4-launch-livestream",
     "revisions/id=grok-4-launch-livestream-rev-1", "outcome", X_STR("slipped"),
     "推迟了约一小时"},

    /* Grok 3.5's slips: fuzzy dates, never pinned to a 1st of the month. */
    {"Grok 3.5 beta announced at the end of April", "/v1/timeline/grok-3-5-beta-release",
     "revisions/id=grok-3-5-beta-release-rev-1", "announced", X_DATE("2025-04", "month", "end"),
     "4 月底"},
    {"Grok 3.5 beta due 'next week'", "/v1/timeline/grok-3-5-beta-release",
     "revisions/id=grok-3-5-beta-release-rev-1", "promised",
     X_DATE("2025-05", "month", "early"), "下周将上线"},
    {"Grok 3.5 beta due 'next week'", "/v1/timeline/grok-3-5-beta-release",
     "revisions/id=grok-3-5-beta-release-rev-1", "promised_text", X_STR("下周"), "下周将上线"},
    {"Grok 3.5 beta due 'next week'", "/v1/timeline/grok-3-5-beta-release", "", "date",
     X_DATE("2025-05", "month", "early"), "下周将上线"},
    {"Grok 3.5 delay answered in mid-May", "/v1/timeline/grok-3-5-beta-release",
     "revisions/id=grok-3-5-beta-release-rev-2", "announced", X_DATE("2025-05", "month", "mid"),
     "5 月中旬"},
    {"Grok 3.5 'one more week'", "/v1/timeline/grok-3-5-beta-release",
     "revisions/id=grok-3-5-beta-release-rev-2", "promised", X_DATE("2025-05", "month", "late"),
     "再打磨一周"},
    {"Grok 3.5 'one more week'", "/v1/timeline/grok-3-5-beta-release",
     "revisions/id=grok-3-5-beta-release-rev-2", "promised_text", X_STR("再打磨一周"),
     "再打磨一周"},
    {"Musk's post of 2025-06-27", "/v1/timeline/musk-names-grok-4", "", "date",
     X_DATE("2025-06-27", "day", NULL), "6 月 27 日"},
    {"Musk's post of 2025-06-27", "/v1/sources/musk-post-2025-06-27-grok-4", "", "published",
     X_DATE("2025-06-27", "day", NULL), "6 月 27 日"},
    {"Musk's remark a week before the launch", "/v1/timeline/musk-overnight-polishing-remark", "",
     "date", X_DATE("2025-07-03", "day", "about"), "一周前"},

    /* xAI and Colossus. */
    {"xAI founded July 2023", "/v1/organizations/xai", "", "founded",
     X_DATE("2023-07", "month", NULL), "2023 年 7 月"},
    {"xAI founded July 2023", "/v1/timeline/xai-founded", "", "date",
     X_DATE("2023-07", "month", NULL), "2023 年 7 月"},
    {"Colossus started July 2024", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-2024-07", "date", X_DATE("2024-07", "month", NULL), "2024 年 7 月"},
    {"Colossus started July 2024", "/v1/timeline/colossus-launched", "", "date",
     X_DATE("2024-07", "month", NULL), "2024 年 7 月"},
    {"Colossus 100,000 H100 GPUs", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-2024-07", "gpu_count", X_INT(100000), "10 万块"},
    {"Colossus 100,000 H100 GPUs", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-2024-07", "gpu_model", X_STR("NVIDIA H100"), "H100"},
    {"Colossus doubled by February 2025", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-2025-02", "date", X_DATE("2025-02", "month", NULL), "2025 年 2 月"},
    {"Colossus doubled by February 2025", "/v1/timeline/colossus-doubled", "", "date",
     X_DATE("2025-02", "month", NULL), "2025 年 2 月"},
    {"Colossus 200,000 GPUs (doubled)", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-2025-02", "gpu_count", X_INT(200000), "20 万块"},
    {"Colossus 200,000 GPUs (doubled)", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-2025-02", "multiple_of_previous", X_REAL(2.0), "翻倍"},
    {"Colossus planned 1,000,000 GPUs", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-planned-1m", "gpu_count", X_INT(1000000), "100 万块"},
    {"Colossus planned 1,000,000 GPUs", "/v1/compute/clusters/colossus",
     "capacities/id=colossus-planned-1m", "status", X_STR("planned"), "计划"},

    /* Funding. */
    {"US$10B round", "/v1/funding-rounds/xai-2025-06-round", "", "amount",
     X_MONEY(10 * BILLION_MINOR, "USD"), "100 亿美元"},
    {"US$10B round", "/v1/funding-rounds/xai-2025-06-round", "", "tranches_total",
     X_MONEY(10 * BILLION_MINOR, "USD"), "100 亿美元"},
    {"US$10B round announced 2025-06-30", "/v1/timeline/xai-2025-06-round-announced", "",
     "date", X_DATE("2025-06-30", "day", NULL), "6 月 30 日"},
    {"US$10B round announced 2025-06-30", "/v1/funding-rounds/xai-2025-06-round", "",
     "announced", X_DATE("2025-06-30", "day", NULL), "6 月 30 日"},
    {"US$10B round announced 2025-06-30", "/v1/sources/morgan-stanley-x-post-2025-06-30", "",
     "published", X_DATE("2025-06-30", "day", NULL), "6 月 30 日"},
    {"US$5B of debt", "/v1/funding-rounds/xai-2025-06-round",
     "tranches/id=xai-2025-06-round-debt", "amount", X_MONEY(5 * BILLION_MINOR, "USD"),
     "50 亿美元债务融资"},
    {"US$5B of debt", "/v1/funding-rounds/xai-2025-06-round",
     "tranches/id=xai-2025-06-round-debt", "kind", X_STR("debt"), "债务融资"},
    {"US$5B of equity", "/v1/funding-rounds/xai-2025-06-round",
     "tranches/id=xai-2025-06-round-equity", "amount", X_MONEY(5 * BILLION_MINOR, "USD"),
     "50 亿美元股权融资"},
    {"US$5B of equity", "/v1/funding-rounds/xai-2025-06-round",
     "tranches/id=xai-2025-06-round-equity", "kind", X_STR("equity"), "股权融资"},
    {"two US$6B rounds in 2024", "/v1/funding-rounds/xai-2024-round-1", "", "amount",
     X_MONEY(6 * BILLION_MINOR, "USD"), "两轮各 60 亿美元"},
    {"two US$6B rounds in 2024", "/v1/funding-rounds/xai-2024-round-1", "", "announced",
     X_DATE("2024", "year", NULL), "去年两轮"},
    {"two US$6B rounds in 2024", "/v1/funding-rounds/xai-2024-round-2", "", "amount",
     X_MONEY(6 * BILLION_MINOR, "USD"), "两轮各 60 亿美元"},
    {"two US$6B rounds in 2024", "/v1/funding-rounds/xai-2024-round-2", "", "announced",
     X_DATE("2024", "year", NULL), "去年两轮"},
    {"US$22B raised since 2024", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "amount", X_MONEY(22 * BILLION_MINOR, "USD"),
     "220 亿美元"},
    {"US$22B raised since 2024", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "since", X_DATE("2024", "year", NULL),
     "2024 年以来"},
    {"US$22B raised since 2024", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "computed_from_rounds",
     X_MONEY(22 * BILLION_MINOR, "USD"), "220 亿美元"},
    {"US$22B raised since 2024", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "matches_reported", X_BOOL(true), "220 亿美元"},
    {"US$22B raised since 2024", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "rounds_counted", X_LEN(3), "220 亿美元"},
    {"about RMB 157.9B", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "equivalent",
     X_MONEY(1579 * (BILLION_MINOR / 10), "CNY"), "1579 亿元"},
    {"about RMB 157.9B", "/v1/organizations/xai/funding",
     "reported_totals/id=xai-funding-since-2024", "equivalent/approximate", X_BOOL(true),
     "约为人民币 1579 亿元"},

    /* Valuations at the March 2025 merger. */
    {"xAI + X valued at US$113B", "/v1/valuations/xai-x-combined-2025-03", "", "amount",
     X_MONEY(113 * BILLION_MINOR, "USD"), "1130 亿美元"},
    {"xAI and X merged in March 2025", "/v1/valuations/xai-x-combined-2025-03", "", "date",
     X_DATE("2025-03", "month", NULL), "3 月 xAI 与 X 合并"},
    {"xAI and X merged in March 2025", "/v1/timeline/xai-x-merger", "", "date",
     X_DATE("2025-03", "month", NULL), "3 月 xAI 与 X 合并"},
    {"merger valuations dated March 2025", "/v1/valuations/xai-2025-03", "", "date",
     X_DATE("2025-03", "month", NULL), "此前 3 月"},
    {"xAI valued at US$80B", "/v1/valuations/xai-2025-03", "", "amount",
     X_MONEY(80 * BILLION_MINOR, "USD"), "800 亿美元"},
    {"xAI valued at US$80B", "/v1/valuations/xai-2025-03", "", "part_of",
     X_STR("xai-x-combined-2025-03"), "800 亿美元"},
    {"X valued at US$33B", "/v1/valuations/x-2025-03", "", "amount",
     X_MONEY(33 * BILLION_MINOR, "USD"), "330 亿美元"},
    {"X valued at US$33B", "/v1/valuations/x-2025-03", "", "part_of",
     X_STR("xai-x-combined-2025-03"), "330 亿美元"},

    /* Spending, cash and revenue. */
    {"burns up to US$1B a month", "/v1/financials/xai-burn-rate-2025-w28", "", "amount",
     X_MONEY(1 * BILLION_MINOR, "USD"), "每月消耗高达 10 亿美元"},
    {"burns up to US$1B a month", "/v1/financials/xai-burn-rate-2025-w28", "", "per",
     X_STR("month"), "每月消耗"},
    {"burns up to US$1B a month", "/v1/financials/xai-burn-rate-2025-w28", "", "bound",
     X_STR("up_to"), "高达 10 亿美元"},
    {"US$4B cash", "/v1/financials/xai-cash-on-hand-2025-03", "", "amount",
     X_MONEY(4 * BILLION_MINOR, "USD"), "仅剩 40 亿美元"},
    {"cash as of the end of March 2025", "/v1/financials/xai-cash-on-hand-2025-03", "", "period",
     X_DATE("2025-03", "month", "end"), "2025 年 3 月底"},
    {"xAI 2025 revenue US$500M", "/v1/financials/xai-revenue-2025-forecast", "", "amount",
     X_MONEY(500 * MILLION_MINOR, "USD"), "仅为 5 亿美元"},
    {"xAI 2025 revenue US$500M", "/v1/financials/xai-revenue-2025-forecast", "", "period",
     X_DATE("2025", "year", NULL), "2025 年营收"},
    {"xAI 2026 revenue US$2B", "/v1/financials/xai-revenue-2026-forecast", "", "amount",
     X_MONEY(2 * BILLION_MINOR, "USD"), "20 亿美元"},
    {"xAI 2026 revenue US$2B", "/v1/financials/xai-revenue-2026-forecast", "", "period",
     X_DATE("2026", "year", NULL), "明年"},
    {"OpenAI 2025 revenue US$12.7B", "/v1/financials/openai-revenue-2025-forecast", "", "amount",
     X_MONEY(127 * (BILLION_MINOR / 10), "USD"), "127 亿美元"},
    {"OpenAI 2025 revenue US$12.7B", "/v1/financials/openai-revenue-2025-forecast", "", "period",
     X_DATE("2025", "year", NULL), "2025 年营收"},
    {"four companies' 2024 capex US$230B", "/v1/financials/big-four-capex-2024", "", "amount",
     X_MONEY(230 * BILLION_MINOR, "USD"), "2300 亿美元"},
    {"four companies' 2024 capex US$230B", "/v1/financials/big-four-capex-2024", "", "period",
     X_DATE("2024", "year", NULL), "去年的总资本支出"},
    {"four companies", "/v1/financials/big-four-capex-2024", "", "organizations", X_LEN(4),
     "四大巨头"},
    {"four companies' 2025 capex plans US$320B", "/v1/financials/big-four-capex-2025-plan", "",
     "amount", X_MONEY(320 * BILLION_MINOR, "USD"), "3200 亿美元"},
    {"four companies' 2025 capex plans US$320B", "/v1/financials/big-four-capex-2025-plan", "",
     "period", X_DATE("2025", "year", NULL), "2025 年这些公司"},
    {"xAI profitable in 2027", "/v1/financials/xai-profitability-2027", "", "period",
     X_DATE("2027", "year", NULL), "2027 年实现盈利"},
    {"OpenAI cash-flow positive in 2029", "/v1/financials/openai-cash-flow-positive-2029", "",
     "period", X_DATE("2029", "year", NULL), "2029 年才能实现现金流转正"},
    {"xAI must raise again next year (2026)", "/v1/timeline/xai-further-fundraising-2026", "",
     "date", X_DATE("2026", "year", NULL), "明年还需继续筹资"},

    /* What comes next. */
    {"GPT-5 this summer", "/v1/models/gpt-5", "", "released", X_DATE("2025", "year", "summer"),
     "今年夏天"},
    {"GPT-5 this summer", "/v1/models/gpt-5", "", "status", X_STR("planned"), "将发布"},
    {"GPT-5 this summer", "/v1/timeline/gpt-5-release", "", "date",
     X_DATE("2025", "year", "summer"), "今年夏天"},
    {"coding model in August 2025", "/v1/models/xai-coding-model", "", "released",
     X_DATE("2025-08", "month", NULL), "8 月发布编程模型"},
    {"coding model in August 2025", "/v1/timeline/xai-coding-model-release", "", "date",
     X_DATE("2025-08", "month", NULL), "8 月发布编程模型"},
    {"multi-agent in September 2025", "/v1/models/xai-multi-agent", "", "released",
     X_DATE("2025-09", "month", NULL), "9 月发布多智能体"},
    {"multi-agent in September 2025", "/v1/timeline/xai-multi-agent-release", "", "date",
     X_DATE("2025-09", "month", NULL), "9 月发布多智能体"},
    {"video model in October 2025", "/v1/models/xai-video-generation-model", "", "released",
     X_DATE("2025-10", "month", NULL), "10 月发布视频生成模型"},
    {"video model in October 2025", "/v1/timeline/xai-video-generation-model-release", "",
     "date", X_DATE("2025-10", "month", NULL), "10 月发布视频生成模型"},
};

#define FACT_COUNT (sizeof(facts) / sizeof(facts[0]))

/* ---- JSON by path ------------------------------------------------------ */

/* One step down from node: an object's member by name, an array's element
 * by index ("0") or the first element whose string member key equals value
 * ("id=grok-4"). Borrowed from node; NULL when there is no such value. */
static json_t *json_step(const json_t *node, const char *segment)
{
    if (json_is_object(node))
        return json_object_get(node, segment);
    if (!json_is_array(node))
        return NULL;

    const char *eq = strchr(segment, '=');
    if (!eq) {
        char *end = NULL;
        unsigned long index = strtoul(segment, &end, 10);
        return *segment && *end == '\0' ? json_array_get(node, index) : NULL;
    }

    char key[64];
    size_t key_len = (size_t)(eq - segment);
    if (key_len >= sizeof(key))
        return NULL;
    memcpy(key, segment, key_len);
    key[key_len] = '\0';

    size_t i;
    json_t *element;
    json_array_foreach(node, i, element) {
        const char *value = json_string_value(json_object_get(element, key));
        if (value && strcmp(value, eq + 1) == 0)
            return element;
    }
    return NULL;
}

/* The value at a "/"-separated path below root ("" is root itself), each
 * segment as json_step reads it. Borrowed from root; NULL when absent. */
static json_t *json_at(const json_t *root, const char *path)
{
    json_t *node = (json_t *)root;
    const char *p = path;
    char segment[128];

    while (node && *p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len >= sizeof(segment))
            return NULL;
        memcpy(segment, p, len);
        segment[len] = '\0';
        node = json_step(node, segment);
        p += slash ? len + 1 : len;
    }
    return node;
}

/* ---- reports ----------------------------------------------------------- */

/* A bounded text that collects what failed, so one run names every failing
 * row instead of stopping at the first. */
struct report {
    char text[12288];
    size_t used;
    bool truncated;
};

static void report_add(struct report *report, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void report_add(struct report *report, const char *format, ...)
{
    size_t room = sizeof(report->text) - report->used;
    va_list args;

    if (report->truncated)
        return;
    va_start(args, format);
    int n = vsnprintf(report->text + report->used, room, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= room) {
        report->text[report->used] = '\0';
        report->truncated = true;
        return;
    }
    report->used += (size_t)n;
}

/* ---- the article --------------------------------------------------------- */

/* The article's text, read once per test by the fixture. */
static char *article;

/* Reads FRONTIER_SOURCE_DIR/data/seed/article-zh.txt (the source tree
 * defaults to the working directory). Caller frees the result with free(). */
static char *article_load(void)
{
    const char *dir = getenv("FRONTIER_SOURCE_DIR");
    char path[4096];
    FILE *file = NULL;
    char *text = NULL;
    long size;

    int n = snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", ARTICLE_PATH);
    ck_assert_msg(n > 0 && (size_t)n < sizeof(path), "the article's path is too long");
    file = fopen(path, "rb");
    ck_assert_msg(file != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(file, 0, SEEK_END), 0);
    size = ftell(file);
    ck_assert_int_gt(size, 0);
    rewind(file);
    text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, file), (size_t)size);
    text[size] = '\0';
    fclose(file);
    return text;
}

/* ---- one row ------------------------------------------------------------- */

/* Whether actual holds the expected value; if not, says why in report. */
static bool expect_matches(const struct expect *expected, const json_t *actual,
                           struct report *report)
{
    char *shown = actual ? json_dumps(actual, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    bool ok = false;

    switch (expected->kind) {
    case EXPECT_INT:
        ok = json_is_integer(actual) && json_integer_value(actual) == expected->integer;
        if (!ok)
            report_add(report, "expected the integer %" JSON_INTEGER_FORMAT, expected->integer);
        break;
    case EXPECT_REAL:
        ok = json_is_number(actual) && json_number_value(actual) == expected->real;
        if (!ok)
            report_add(report, "expected the number %g", expected->real);
        break;
    case EXPECT_STR:
        ok = json_is_string(actual) && strcmp(json_string_value(actual), expected->text) == 0;
        if (!ok)
            report_add(report, "expected \"%s\"", expected->text);
        break;
    case EXPECT_BOOL:
        ok = json_is_boolean(actual) && json_boolean_value(actual) == expected->boolean;
        if (!ok)
            report_add(report, "expected %s", expected->boolean ? "true" : "false");
        break;
    case EXPECT_MONEY: {
        const json_t *minor = json_object_get(actual, "amount_minor");
        const char *currency = json_string_value(json_object_get(actual, "currency"));
        ok = json_is_integer(minor) && json_integer_value(minor) == expected->integer &&
             currency && strcmp(currency, expected->text) == 0;
        if (!ok)
            report_add(report, "expected %" JSON_INTEGER_FORMAT " minor units of %s",
                       expected->integer, expected->text);
        break;
    }
    case EXPECT_DATE: {
        const char *value = json_string_value(json_object_get(actual, "value"));
        const char *precision = json_string_value(json_object_get(actual, "precision"));
        const json_t *qualifier = json_object_get(actual, "qualifier");
        bool qualifier_ok = expected->qualifier
                                ? json_is_string(qualifier) &&
                                      strcmp(json_string_value(qualifier), expected->qualifier) == 0
                                : json_is_null(qualifier);
        ok = value && strcmp(value, expected->text) == 0 && precision &&
             strcmp(precision, expected->precision) == 0 && qualifier_ok;
        if (!ok)
            report_add(report, "expected the date {%s, %s, %s}", expected->text,
                       expected->precision, expected->qualifier ? expected->qualifier : "null");
        break;
    }
    case EXPECT_LEN:
        ok = json_is_array(actual) && (json_int_t)json_array_size(actual) == expected->integer;
        if (!ok)
            report_add(report, "expected an array of %" JSON_INTEGER_FORMAT, expected->integer);
        break;
    }
    if (!ok)
        report_add(report, ", got %s", shown ? shown : "nothing");
    free(shown);
    return ok;
}

/* Whether one of record's citations quotes the article with words that
 * contain needle, and that quote is verbatim in the article. */
static bool citation_matches(const json_t *record, const char *needle, struct report *report)
{
    const json_t *citations = json_object_get(record, "citations");
    const json_t *citation;
    size_t i;

    json_array_foreach(citations, i, citation) {
        const char *quote = json_string_value(json_object_get(citation, "quote"));
        const char *quoted_in = json_string_value(json_object_get(citation, "quoted_in"));
        if (!quote || !strstr(quote, needle))
            continue;
        if (!quoted_in || strcmp(quoted_in, ARTICLE_ID) != 0) {
            report_add(report, "the quote \"%s\" is not attributed to the article", quote);
            return false;
        }
        if (!strstr(article, quote)) {
            report_add(report, "the quote \"%s\" is not verbatim in the article", quote);
            return false;
        }
        return true;
    }
    report_add(report, "no citation quotes \"%s\" (%zu citations)", needle,
               json_array_size(citations));
    return false;
}

/* Fetches the row's record and checks its figure and its quote; on failure
 * says why in report. */
static bool fact_check(unsigned port, const struct fact *fact, struct report *report)
{
    struct http_reply reply;
    json_t *body = NULL;
    const json_t *record = NULL;
    bool ok = false;

    http_get(port, fact->target, &reply);
    if (reply.status != 200) {
        report_add(report, "status %ld", reply.status);
        goto out;
    }
    body = json_loadb(reply.body, reply.body_len, 0, NULL);
    record = body ? json_at(body, fact->record) : NULL;
    if (!record) {
        report_add(report, "no such record");
        goto out;
    }
    ok = expect_matches(&fact->expected, json_at(record, fact->member), report) &&
         citation_matches(record, fact->quote_has, report);
out:
    json_decref(body);
    http_reply_free(&reply);
    return ok;
}

/* ---- fixture ------------------------------------------------------------- */

static struct test_server server;

static void setup(void)
{
    article = article_load();
    test_server_start(&server, NULL);
}

static void teardown(void)
{
    test_server_stop(&server);
    free(article);
    article = NULL;
}

/* GETs target from the fixture's daemon expecting 200. New reference. */
static json_t *get(const char *target)
{
    return http_get_json(server.port, target, 200);
}

/* ---- tests --------------------------------------------------------------- */

/* Every row of the table holds, and together they cover at least
 * MIN_FIGURES distinct figures of the article. */
START_TEST(test_article_figures)
{
    static struct report report, why;
    bool passed[FACT_COUNT];
    size_t failed = 0, figures = 0;

    memset(&report, 0, sizeof(report));
    for (size_t i = 0; i < FACT_COUNT; i++) {
        const struct fact *fact = &facts[i];
        memset(&why, 0, sizeof(why));
        passed[i] = fact_check(server.port, fact, &why);
        if (!passed[i]) {
            failed++;
            report_add(&report, "\n  [%s] GET %s, record \"%s\", member %s: %s", fact->figure,
                       fact->target, fact->record, fact->member, why.text);
        }
    }

    /* A figure counts once, and only if every row that carries it held. */
    for (size_t i = 0; i < FACT_COUNT; i++) {
        bool first = true, all = true;
        for (size_t j = 0; j < FACT_COUNT; j++) {
            if (strcmp(facts[j].figure, facts[i].figure) != 0)
                continue;
            if (j < i)
                first = false;
            all = all && passed[j];
        }
        figures += first && all;
    }
    printf("facts: %zu distinct figures in %zu rows, %zu rows failed\n", figures,
           (size_t)FACT_COUNT, failed);
    fflush(stdout);

    ck_assert_msg(failed == 0, "%zu of %zu rows failed:%s%s", failed, (size_t)FACT_COUNT,
                  report.text, report.truncated ? "\n  ..." : "");
    ck_assert_uint_ge(figures, MIN_FIGURES);
}
END_TEST

/* The row checker itself: a wrong value, a wrong date, a quote that is not
 * there and a record that is not there all fail, so a passing table means
 * something. */
START_TEST(test_checker_rejects_wrong_rows)
{
    static const struct fact wrong[] = {
        {"wrong score", "/v1/results/grok-4-hle-xai-no-tools", "", "score", X_REAL(24.0),
         "26.9%"},
        {"score as an integer", "/v1/results/grok-4-hle-xai-no-tools", "", "score", X_INT(27),
         "26.9%"},
        {"wrong currency", "/v1/models/grok-4", "plans/id=grok-4-subscription", "price",
         X_MONEY(3000, "CNY"), "30 美元/月"},
        {"a 1st of the month", "/v1/timeline/grok-3-5-beta-release",
         "revisions/id=grok-3-5-beta-release-rev-1", "announced",
         X_DATE("2025-04-01", "day", NULL), "4 月底"},
        {"a lost qualifier", "/v1/timeline/grok-3-5-beta-release",
         "revisions/id=grok-3-5-beta-release-rev-1", "announced",
         X_DATE("2025-04", "month", NULL), "4 月底"},
        {"another record's quote", "/v1/results/grok-4-hle-xai-no-tools", "", "score",
         X_REAL(26.9), "24%"},
        {"no such record", "/v1/models/grok-4", "plans/id=grok-5-subscription", "price",
         X_MONEY(3000, "USD"), "30 美元/月"},
        {"no such resource", "/v1/results/grok-5-hle", "", "score", X_REAL(26.9), "26.9%"},
    };
    static struct report report;

    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        memset(&report, 0, sizeof(report));
        ck_assert_msg(!fact_check(server.port, &wrong[i], &report), "row '%s' passed",
                      wrong[i].figure);
        ck_assert_msg(report.used > 0, "row '%s' failed without a reason", wrong[i].figure);
    }

    /* And a right row leaves nothing in the report. */
    memset(&report, 0, sizeof(report));
    ck_assert(fact_check(server.port, &facts[0], &report));
    ck_assert_str_eq(report.text, "");
}
END_TEST

/* The path reader: members, indexes, selections and misses. */
START_TEST(test_json_at)
{
    json_error_t error;
    json_t *doc = json_loads("{\"a\":{\"b\":[{\"id\":\"x\",\"c\":1},{\"id\":\"y\",\"c\":2}]}}",
                             0, &error);

    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_eq(json_at(doc, ""), doc);
    ck_assert_int_eq(json_integer_value(json_at(doc, "a/b/0/c")), 1);
    ck_assert_int_eq(json_integer_value(json_at(doc, "a/b/id=y/c")), 2);
    ck_assert_ptr_null(json_at(doc, "a/b/2"));
    ck_assert_ptr_null(json_at(doc, "a/b/id=z"));
    ck_assert_ptr_null(json_at(doc, "a/b/x"));
    ck_assert_ptr_null(json_at(doc, "a/b/0/c/d"));
    ck_assert_ptr_null(json_at(doc, "a/missing"));
    json_decref(doc);
}
END_TEST

/* HLE's two Grok 4 scores are two records with their own provenance: xAI's
 * 26.9% without tools, and Artificial Analysis's 24%. */
START_TEST(test_hle_scores_are_separate_records)
{
    json_t *list = get("/v1/results?benchmark=humanitys-last-exam&model=grok-4&limit=500");
    json_t *items = json_object_get(list, "items");
    json_t *item;
    size_t i;
    bool seen_xai = false, seen_aa = false;

    ck_assert_uint_eq(json_array_size(items), 2);
    json_array_foreach(items, i, item) {
        const char *evaluator = json_string_value(json_object_get(item, "evaluator"));
        double score = json_number_value(json_object_get(item, "score"));
        ck_assert_ptr_nonnull(evaluator);
        if (strcmp(evaluator, "xai") == 0) {
            seen_xai = true;
            ck_assert(score == 26.9);
            ck_assert_str_eq(json_string_value(json_object_get(item, "tools")), "none");
        } else {
            seen_aa = true;
            ck_assert_str_eq(evaluator, "artificial-analysis");
            ck_assert(score == 24.0);
        }
    }
    ck_assert(seen_xai && seen_aa);
    ck_assert_str_ne(json_string_value(json_object_get(json_array_get(items, 0), "id")),
                     json_string_value(json_object_get(json_array_get(items, 1), "id")));
    json_decref(list);
}
END_TEST

/* Which of 26.9 and 24 a ranking holds: bit 1 for 26.9, bit 2 for 24. */
static unsigned hle_scores_in(const json_t *ranking)
{
    const json_t *entry;
    size_t i;
    unsigned seen = 0;

    json_array_foreach(json_object_get(ranking, "entries"), i, entry) {
        double score = json_number_value(json_object_get(entry, "score"));
        if (score == 26.9)
            seen |= 1u;
        if (score == 24.0)
            seen |= 2u;
    }
    return seen;
}

/* Scores measured differently are never ranked against each other: 26.9
 * (xAI, no tools) and 24 (Artificial Analysis) sit in different rankings,
 * both in the benchmark's own leaderboard and in the list of all of them. */
START_TEST(test_hle_leaderboard_keeps_scores_apart)
{
    json_t *one = get("/v1/leaderboards/humanitys-last-exam");
    json_t *all = get("/v1/leaderboards?limit=500");
    const json_t *boards[2] = {one, json_at(all, "items/id=humanitys-last-exam")};

    for (size_t b = 0; b < 2; b++) {
        const json_t *ranking;
        size_t i;
        unsigned seen = 0;

        ck_assert_ptr_nonnull(boards[b]);
        json_array_foreach(json_object_get(boards[b], "rankings"), i, ranking) {
            unsigned here = hle_scores_in(ranking);
            ck_assert_msg(here != 3u, "a ranking holds both 26.9 and 24");
            seen |= here;
        }
        ck_assert_uint_eq(seen, 3u); /* both are ranked somewhere */
    }
    json_decref(all);
    json_decref(one);
}
END_TEST

/* The day before the launch, HLE's leader is Gemini 2.5 Pro with its
 * earlier 21%; Grok 4's scores are not known yet. */
START_TEST(test_hle_leader_before_launch)
{
    json_t *board = get("/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09");
    const json_t *ranking;
    size_t i, entries = 0;

    ck_assert_str_eq(json_string_value(json_object_get(board, "as_of")), "2025-07-09");
    const json_t *leader = json_at(board, "rankings/0/entries/0");
    ck_assert_ptr_nonnull(leader);
    ck_assert_str_eq(json_string_value(json_at(leader, "model/id")), "gemini-2-5-pro");
    ck_assert(json_number_value(json_object_get(leader, "score")) == 21.0);
    ck_assert_int_eq(json_integer_value(json_object_get(leader, "rank")), 1);
    json_array_foreach(json_object_get(board, "rankings"), i, ranking) {
        ck_assert_uint_eq(hle_scores_in(ranking), 0);
        entries += json_array_size(json_object_get(ranking, "entries"));
    }
    ck_assert_uint_eq(entries, 1);
    json_decref(board);

    /* On the launch day Artificial Analysis's 24% takes the lead. */
    board = get("/v1/leaderboards/humanitys-last-exam?as_of=2025-07-10");
    leader = NULL;
    json_array_foreach(json_object_get(board, "rankings"), i, ranking) {
        const char *evaluator = json_string_value(json_at(ranking, "evaluator/id"));
        if (evaluator && strcmp(evaluator, "artificial-analysis") == 0)
            leader = json_at(ranking, "entries/0");
    }
    ck_assert_ptr_nonnull(leader);
    ck_assert_str_eq(json_string_value(json_at(leader, "model/id")), "grok-4");
    ck_assert(json_number_value(json_object_get(leader, "score")) == 24.0);
    json_decref(board);
}
END_TEST

/* Counts, below node, the quotes attributed to the article (each must be
 * verbatim) and the exact dates on a 1st of a month (the article names no
 * such day, so one would be a month or a fuzzy date passed off as a day). */
static void walk_provenance(const json_t *node, const char *where, size_t *quotes,
                            struct report *report)
{
    if (json_is_array(node)) {
        const json_t *element;
        size_t i;
        json_array_foreach(node, i, element)
            walk_provenance(element, where, quotes, report);
        return;
    }
    if (!json_is_object(node))
        return;

    const char *quote = json_string_value(json_object_get(node, "quote"));
    const char *quoted_in = json_string_value(json_object_get(node, "quoted_in"));
    if (quote && quoted_in && strcmp(quoted_in, ARTICLE_ID) == 0) {
        (*quotes)++;
        if (!strstr(article, quote))
            report_add(report, "\n  %s: \"%s\" is not in the article", where, quote);
    }
    const char *value = json_string_value(json_object_get(node, "value"));
    const char *precision = json_string_value(json_object_get(node, "precision"));
    if (value && precision && (strcmp(precision, "day") == 0 || strcmp(precision, "minute") == 0) &&
        strlen(value) >= 10 && strncmp(value + 7, "-01", 3) == 0)
        report_add(report, "\n  %s: the %s date %s falls on a 1st", where, precision, value);

    const char *key;
    const json_t *member;
    json_object_foreach((json_t *)node, key, member)
        walk_provenance(member, where, quotes, report);
}

/* Every quote anywhere in the API is verbatim in the article, and no date
 * claims a day the article does not give. */
START_TEST(test_every_quote_is_verbatim)
{
    static const char *const targets[] = {
        "/v1/sources?limit=500",        "/v1/organizations?limit=500",
        "/v1/organizations/xai/funding", "/v1/people?limit=500",
        "/v1/models?limit=500",         "/v1/benchmarks?limit=500",
        "/v1/results?limit=500",        "/v1/leaderboards?limit=500",
        "/v1/funding-rounds?limit=500", "/v1/valuations?limit=500",
        "/v1/financials?limit=500",     "/v1/compute/clusters?limit=500",
        "/v1/timeline?limit=500",
    };
    static struct report report;
    size_t quotes = 0;

    memset(&report, 0, sizeof(report));
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        json_t *body = get(targets[i]);
        ck_assert_msg(json_object_get(body, "next_cursor") == NULL ||
                          json_is_null(json_object_get(body, "next_cursor")),
                      "%s has more than one page", targets[i]);
        walk_provenance(body, targets[i], &quotes, &report);
        json_decref(body);
    }
    ck_assert_msg(report.used == 0, "%s%s", report.text, report.truncated ? "\n  ..." : "");
    ck_assert_uint_ge(quotes, MIN_FIGURES); /* every figure has at least one */
}
END_TEST

static Suite *facts_suite(void)
{
    Suite *suite = suite_create("facts");
    TCase *api = tcase_create("api");
    TCase *checker = tcase_create("checker");

    tcase_add_checked_fixture(api, setup, teardown);
    tcase_set_timeout(api, 120);
    tcase_add_test(api, test_article_figures);
    tcase_add_test(api, test_checker_rejects_wrong_rows);
    tcase_add_test(api, test_hle_scores_are_separate_records);
    tcase_add_test(api, test_hle_leaderboard_keeps_scores_apart);
    tcase_add_test(api, test_hle_leader_before_launch);
    tcase_add_test(api, test_every_quote_is_verbatim);
    suite_add_tcase(suite, api);

    tcase_add_test(checker, test_json_at);
    suite_add_tcase(suite, checker);
    return suite;
}

int main(void)
{
    return test_run_suite(facts_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
