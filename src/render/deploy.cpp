// `certplan deploy` output: text (to read), ps1 (one script to run in the Exchange Management
// Shell), json (certplan.deploy/1) and ics (the renewal calendar). Commands are already quoted
// by the templates; what this file adds around them (titles, notes, names) goes through
// quote::comment (ps1) or quote::ics_text (ics), and JSON through nlohmann.
#include <certplan/deploy.hpp>
#include <certplan/quote.hpp>

#include "render/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>

namespace certplan {

namespace {

using nlohmann::ordered_json;

std::string indent(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto end = std::min(text.find('\n', at), text.size());
    out += std::string(prefix) + text.substr(at, end - at) + "\n";
    at = end + 1;
  }
  return out;
}

std::string phase_text(const LifetimePhase& p) {
  return fmt::format("from {}: at most {} days, domain validation reused for {} days", p.date, p.max_validity_days,
                     p.dcv_reuse_days);
}

// ---- text -----------------------------------------------------------------------------------

void text_step(std::string& out, int& n, const DeployStep& s) {
  out += fmt::format("    {}. {}\n", ++n, s.title);
  // The templates' comment lines cite the page; text shows the citation once and the commands.
  std::string commands;
  std::size_t at = 0;
  while (at < s.command.size()) {
    const auto end = std::min(s.command.find('\n', at), s.command.size());
    if (s.command[at] != '#') {
      commands += (commands.empty() ? "" : "\n") + s.command.substr(at, end - at);
    }
    at = end + 1;
  }
  if (!commands.empty()) {
    out += indent(commands, s.shell == "sh" ? "       $ " : "       PS> ");
  }
  if (!s.cites.empty()) {
    out += "       follows: " + s.cites + "\n";
  }
  for (const auto& note : s.notes) {
    out += "       note: " + note + "\n";
  }
}

void text_renewal(std::string& out, const CertificateDeploy& c, const std::string& at) {
  const auto& r = c.renewal;
  out += fmt::format("  Renewal (at {}):\n", at);
  if (r.public_ca) {
    out += "    public CA limit " + phase_text(r.today) + " (SC-081, R11)\n";
    for (const auto& p : r.next_phases) {
      out += "    next: " + phase_text(p) + "\n";
    }
    out += fmt::format("    renew after {} of {} days: a {}-day margin ({}% of the lifetime); {} issuance{} in the "
                       "first year\n",
                       r.renew_after_days, r.lifetime_days, r.margin_days, r.margin_percent, r.renewals_first_year,
                       r.renewals_first_year == 1 ? "" : "s");
    std::string dates;
    for (const auto& e : r.calendar) {
      dates += fmt::format("{}{} {}", dates.empty() ? "" : "; ", e.date, e.what);
    }
    out += "    calendar: " + dates + "\n";
    out += fmt::format("    fresh domain validation: {}\n",
                       r.fresh_validation.empty() ? std::string("none") : fmt::format("{}", fmt::join(r.fresh_validation, ", ")));
  }
  for (const auto& n : r.notes) {
    out += "    note: " + n + "\n";
  }
  int n = 0;
  for (const auto* s : {&r.certbot, &r.win_acme, &r.posh_acme, &r.from_existing}) {
    text_step(out, n, *s);
  }
}

std::string render_text(const DeployPlan& d) {
  std::string out = fmt::format("certplan deploy: {} ({}, {} model), at {}\n", d.organization, version_label(d.exchange),
                                to_string(d.model), d.at);
  if (!d.findings.empty()) {
    out += "\nThe plan's findings (certplan plan has them in full):\n";
    for (const auto& f : d.findings) {
      out += fmt::format("  {} {}: {}\n", f.rule, to_string(f.severity), f.message);
    }
  }
  if (!d.one_time.empty()) {
    out += "\nOne-time set-up of the redirect web sites (hosted model; seeds 000, 002):\n";
    for (const auto& s : d.one_time) {
      out += fmt::format("  On {} (site {}):\n", s.server, s.site);
      int n = 0;
      for (const auto& st : s.steps) {
        text_step(out, n, st);
      }
    }
  }
  for (const auto& c : d.certificates) {
    out += fmt::format("\nCertificate {}: CN={}, {} name{} ({}), services {}\n", c.id, c.cn, c.sans.size(),
                       c.sans.size() == 1 ? "" : "s", fmt::join(c.sans, ", "), fmt::join(c.services, ","));
    out += c.key == KeySource::certplan ? fmt::format("  Key: {}.key made by certplan csr\n", c.id)
                                        : fmt::format("  Key: made on the server by {}.ps1\n", c.id);
    int n = 0;
    if (!c.prepare.empty()) {
      out += "  On the admin workstation:\n";
      for (const auto& s : c.prepare) {
        text_step(out, n, s);
      }
    }
    for (const auto& s : c.servers) {
      out += fmt::format("  On {} (site {}):\n", s.server, s.site);
      for (const auto& st : s.steps) {
        text_step(out, n, st);
      }
    }
    if (c.servers.empty()) {
      out += "  No server of the topology binds it (or --server chose none).\n";
    }
    if (!c.organization.empty()) {
      out += "  Once for the organization:\n";
      for (const auto& s : c.organization) {
        text_step(out, n, s);
      }
    }
    text_renewal(out, c, d.at);
  }
  return out;
}

// ---- ps1 ------------------------------------------------------------------------------------

void ps1_step(std::string& out, const DeployStep& s) {
  out += "\n# " + quote::comment(s.title) + "\n";
  for (const auto& n : s.notes) {
    out += "# note: " + quote::comment(n) + "\n";
  }
  if (s.shell == "sh") {
    // Not PowerShell: run on the admin workstation, so it stays a comment here.
    out += "# On the admin workstation (POSIX shell):\n";
    out += indent(s.command, "#   ");
    return;
  }
  out += s.command + "\n";
}

std::string render_ps1(const DeployPlan& d) {
  std::string out = "# certplan deploy: " + quote::comment(d.organization) + " (" + version_label(d.exchange) + ", " +
                    std::string(to_string(d.model)) + " model), at " + d.at + "\n";
  out += "# Run in the Exchange Management Shell, one section at a time; each step cites the page it follows.\n";
  out += "$ErrorActionPreference = 'Stop'\n";
  for (const auto& f : d.findings) {
    out += "# plan: " + quote::comment(fmt::format("{} {}: {}", f.rule, to_string(f.severity), f.message)) + "\n";
  }
  for (const auto& s : d.one_time) {
    out += "\n# ==== One-time set-up on " + quote::comment(s.server) + " (redirect web sites) ====\n";
    for (const auto& st : s.steps) {
      ps1_step(out, st);
    }
  }
  for (const auto& c : d.certificates) {
    out += "\n# ==== Certificate " + quote::comment(c.id) + ": CN=" + quote::comment(c.cn) + " ====\n";
    for (const auto& s : c.prepare) {
      ps1_step(out, s);
    }
    for (const auto& s : c.servers) {
      out += "\n# ---- On " + quote::comment(s.server) + " (site " + quote::comment(s.site) + ") ----\n";
      for (const auto& st : s.steps) {
        ps1_step(out, st);
      }
    }
    for (const auto& s : c.organization) {
      ps1_step(out, s);
    }
    out += "\n# ---- Renewal (" + quote::comment(c.id) + ") ----\n";
    const auto& r = c.renewal;
    if (r.public_ca) {
      out += fmt::format("# renew after {} of {} days ({}-day margin, {}%); {} issuances in the first year\n",
                         r.renew_after_days, r.lifetime_days, r.margin_days, r.margin_percent, r.renewals_first_year);
    }
    // The renewal commands are alternatives: shown, not run by this script.
    for (const auto* s : {&r.certbot, &r.win_acme, &r.posh_acme, &r.from_existing}) {
      out += "# " + quote::comment(s->title) + ":\n";
      out += indent(s->command, "#   ");
    }
  }
  return out;
}

// ---- json -----------------------------------------------------------------------------------

ordered_json step_json(const DeployStep& s) {
  return {{"id", s.id}, {"title", s.title}, {"shell", s.shell}, {"cites", s.cites}, {"command", s.command}, {"notes", s.notes}};
}

ordered_json steps_json(const std::vector<DeployStep>& steps) {
  ordered_json a = ordered_json::array();
  for (const auto& s : steps) {
    a.push_back(step_json(s));
  }
  return a;
}

ordered_json servers_json(const std::vector<ServerSteps>& servers) {
  ordered_json a = ordered_json::array();
  for (const auto& s : servers) {
    a.push_back({{"server", s.server}, {"site", s.site}, {"steps", steps_json(s.steps)}});
  }
  return a;
}

ordered_json phase_json(const LifetimePhase& p) {
  return {{"date", p.date}, {"max_validity_days", p.max_validity_days}, {"dcv_reuse_days", p.dcv_reuse_days}};
}

ordered_json renewal_object(const RenewalPlan& r) {
  ordered_json next = ordered_json::array();
  for (const auto& p : r.next_phases) {
    next.push_back(phase_json(p));
  }
  ordered_json cal = ordered_json::array();
  for (const auto& e : r.calendar) {
    cal.push_back({{"date", e.date}, {"what", e.what}});
  }
  return {{"public_ca", r.public_ca},
          {"today", phase_json(r.today)},
          {"next_phases", next},
          {"lifetime_days", r.lifetime_days},
          {"renew_after_days", r.renew_after_days},
          {"margin_days", r.margin_days},
          {"margin_percent", r.margin_percent},
          {"renewals_first_year", r.renewals_first_year},
          {"calendar", cal},
          {"every_renewal_revalidates", r.every_renewal_revalidates},
          {"fresh_validation", r.fresh_validation},
          {"notes", r.notes},
          {"acme", {{"certbot", step_json(r.certbot)}, {"win_acme", step_json(r.win_acme)},
                    {"posh_acme", step_json(r.posh_acme)}}},
          {"from_existing", step_json(r.from_existing)}};
}

std::string render_json(const DeployPlan& d) {
  ordered_json certs = ordered_json::array();
  for (const auto& c : d.certificates) {
    certs.push_back({{"id", c.id},
                     {"cn", c.cn},
                     {"sans", c.sans},
                     {"services", c.services},
                     {"key", to_string(c.key)},
                     {"prepare", steps_json(c.prepare)},
                     {"servers", servers_json(c.servers)},
                     {"organization", steps_json(c.organization)},
                     {"renewal", renewal_object(c.renewal)}});
  }
  ordered_json findings = ordered_json::array();
  for (const auto& f : d.findings) {
    findings.push_back({{"rule", f.rule}, {"severity", to_string(f.severity)}, {"message", f.message}});
  }
  const ordered_json j{{"schema", "certplan.deploy/1"},
                       {"topology", d.topology_path},
                       {"organization", d.organization},
                       {"exchange", to_string(d.exchange)},
                       {"model", to_string(d.model)},
                       {"at", d.at},
                       {"findings", findings},
                       {"one_time", servers_json(d.one_time)},
                       {"certificates", certs}};
  return j.dump(2) + "\n";
}

// ---- ics ------------------------------------------------------------------------------------

std::string compact(const std::string& ymd) {
  std::string out;
  for (const char c : ymd) {
    if (c != '-') {
      out += c;
    }
  }
  return out;
}

void ics_event(std::string& out, const std::string& stamp, const std::string& uid, const std::string& date,
               const std::string& summary, const std::string& description) {
  out += quote::ics_fold("BEGIN:VEVENT");
  out += quote::ics_fold("UID:" + quote::ics_text(uid));
  out += quote::ics_fold("DTSTAMP:" + stamp);
  out += quote::ics_fold("DTSTART;VALUE=DATE:" + compact(date));
  out += quote::ics_fold("SUMMARY:" + quote::ics_text(summary));
  out += quote::ics_fold("DESCRIPTION:" + quote::ics_text(description));
  out += quote::ics_fold("END:VEVENT");
}

std::string render_ics(const DeployPlan& d) {
  // DTSTAMP is --at, not the clock, so the same input gives the same calendar.
  const std::string stamp = compact(d.at) + "T000000Z";
  std::string out;
  out += quote::ics_fold("BEGIN:VCALENDAR");
  out += quote::ics_fold("VERSION:2.0");
  out += quote::ics_fold("PRODID:-//certplan//deploy renewal calendar//EN");
  out += quote::ics_fold("CALSCALE:GREGORIAN");
  bool phases_done = false;
  for (const auto& c : d.certificates) {
    const auto& r = c.renewal;
    if (!phases_done) {
      for (const auto& p : r.next_phases) {
        ics_event(out, stamp, "sc081-" + p.date + "@certplan", p.date,
                  fmt::format("SC-081: public TLS certificates at most {} days", p.max_validity_days),
                  phase_text(p));
      }
      phases_done = true;
    }
    for (const auto& e : r.calendar) {
      if (e.what.rfind("renew by", 0) != 0) {
        continue;
      }
      ics_event(out, stamp, fmt::format("{}-renew-{}@certplan", c.id, e.date), e.date,
                fmt::format("Renew certificate {} (CN={})", c.id, c.cn),
                fmt::format("{}; names: {}; services: {}", e.what, fmt::join(c.sans, ", "), fmt::join(c.services, ",")));
    }
  }
  out += quote::ics_fold("END:VCALENDAR");
  return out;
}

} // namespace

std::string render_deploy(const DeployPlan& d, DeployFormat format) {
  switch (format) {
  case DeployFormat::text: return render_text(d);
  case DeployFormat::ps1: return render_ps1(d);
  case DeployFormat::json: return render_json(d);
  case DeployFormat::ics: return render_ics(d);
  }
  return render_text(d);
}

// `plan --at`: each planned certificate's renewal facts, as `deploy` states them (issue 15).
std::string plan_renewal_text(const DeployPlan& d, bool markdown) {
  const std::string title = fmt::format("Renewal (at {})", d.at);
  std::string out = section_heading(title, markdown) + (markdown ? "```\n" : "");
  for (const auto& c : d.certificates) {
    out += fmt::format("[{}] CN={}\n", c.id, c.cn);
    text_renewal(out, c, d.at);
  }
  out += markdown ? "```\n" : "";
  return out;
}

nlohmann::ordered_json plan_renewal_json(const DeployPlan& d) {
  ordered_json certs = ordered_json::array();
  for (const auto& c : d.certificates) {
    certs.push_back({{"id", c.id}, {"renewal", renewal_object(c.renewal)}});
  }
  return {{"at", d.at}, {"certificates", certs}};
}

} // namespace certplan
