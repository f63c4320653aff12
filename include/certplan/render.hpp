// Renderers: plans and client lists to text, JSON (cli.md keys) and Markdown. They decide
// nothing; the same value always renders to the same bytes.
#pragma once

#include <certplan/error.hpp>

#include <certplan/audit.hpp>
#include <certplan/clients.hpp>
#include <certplan/compare.hpp>
#include <certplan/expiry.hpp>
#include <certplan/match.hpp>
#include <certplan/plan.hpp>
#include <certplan/rules.hpp>
#include <certplan/trace.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace certplan {

enum class Format { text, json, markdown };
std::optional<Format> format_from_string(std::string_view s);

// JSON with two-space indentation (the default) or compact: no indentation, no spaces.
enum class JsonStyle { indented, compact };

std::string render_plan(const Plan& plan, Format format);
// The same bytes as render_plan (compact JSON when asked), streamed to `out` as they are made:
// a hoster's plan is never one string or one JSON tree in memory.
// `renewal` (plan --at): the renewal facts `deploy` states, appended as a last section (text,
// markdown) or a last member "renewal" (json); without it the plan is time-independent.
struct DeployPlan;
void write_plan(std::ostream& out, const Plan& plan, Format format, JsonStyle style = JsonStyle::indented,
                const DeployPlan* renewal = nullptr);
std::string render_clients(const ClientCatalog& catalog, Format format);
std::string render_traces(const std::vector<Trace>& traces, Format format);
std::string render_comparison(const Comparison& comparison, Format format);
// `certplan rules` (every rule) and `certplan explain ID` (one, with its sources in full).
std::string render_rules(const std::vector<const Rule*>& rules, Format format);
std::string render_rule(const Rule& rule, Format format);
// An audit: the matrix (text, markdown) or certplan.audit/1 (json); `regressions` are what a
// renewal drops (audit --replacing).
std::string render_audit(const Audit& audit, const std::vector<AuditResult>& regressions, Format format);
// `certplan match`: a line per host (text; markdown is not offered) or certplan.match/1 (json).
std::string render_match(const MatchReport& report, Format format);

// `certplan expiry`'s formats: text (aligned table), markdown, json (cli.md keys), csv,
// prometheus (the x509 exporters' names, and blackbox_exporter's probe_success per live
// endpoint), ics, nagios (the Monitoring Plugins' output).
enum class ExpiryFormat { text, markdown, json, csv, prometheus, ics, nagios };
// nullopt for a name that is not one of them (the CLI refuses it at parse time).
std::optional<ExpiryFormat> expiry_format_from_string(std::string_view s);
// Whether a format shows the SANs (the report need not keep them otherwise).
bool expiry_format_shows_sans(ExpiryFormat format);
// Streams: the report is never rendered whole in memory. `color` marks the text format's
// statuses with ANSI colours.
void render_expiry(const ExpiryReport& report, ExpiryFormat format, std::ostream& out, bool color = false);

// The input line an error points at (`line`, its text without the newline) with a caret under
// the column; "" when the position has no line or column, or the text is not text.
std::string render_source_excerpt(const SourcePos& where, std::string_view line);

} // namespace certplan
