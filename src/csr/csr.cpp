#include "util/text.hpp"
#include <certplan/csr.hpp>

#include "rules/rule.hpp"
#include <certplan/error.hpp>
#include <certplan/hostname.hpp>
#include <certplan/quote.hpp>
#include <certplan/resources.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <iterator>
#include <set>
#include <thread>

namespace certplan {
namespace {

// Every value goes through quote::openssl_value (templates/csr/openssl.cnf's
// {{openssl-section:...}}), so a '$', '#' or quote in a subject value stays text (issue 13).
std::string openssl_config(const CertificatePlan& c, const KeySpec& key) {
  quote::Pairs dn;
  const auto& s = c.subject;
  for (const auto& [k, v] : {std::pair{"C", &s.country}, std::pair{"ST", &s.state}, std::pair{"L", &s.locality},
                             std::pair{"O", &s.organization}, std::pair{"OU", &s.unit}}) {
    if (!v->empty()) {
      dn.emplace_back(k, *v);
    }
  }
  dn.emplace_back("CN", c.cn);
  quote::Pairs alt;
  for (std::size_t i = 0; i < c.sans.size(); ++i) {
    alt.emplace_back(fmt::format("DNS.{}", i + 1), c.sans[i]);
  }
  const std::string newkey = key.algorithm == "rsa" ? "rsa:" + key.param
                                                    : "ec -pkeyopt ec_paramgen_curve:" +
                                                          std::string(key.param == "p256"   ? "P-256"
                                                                      : key.param == "p384" ? "P-384"
                                                                                            : "P-521");
  return quote::expand_template("templates/csr/openssl.cnf",
                                {{"id", c.id}, {"dn", dn}, {"alt_names", alt}, {"newkey", newkey}});
}

// ID.ps1 is the other path (issue 15 part 3): the request made on the Exchange server, whose
// key is made there and never leaves it. It and ID.key + ID.csr are alternatives; the comment
// says so where the file is read (no quote character in it: the file is one PowerShell script).
std::string server_request(const CertificatePlan& c) {
  const std::string id = quote::comment(c.id);
  return "# Request for certificate " + id + " made ON the Exchange server, with a key of its own that never leaves it.\n"
         "# An alternative to " + id + ".key + " + id + ".csr (a key made by certplan): use one or the other, not both.\n"
         "# Then: certplan deploy TOPOLOGY --key server (this path) or --key certplan (the other).\n" +
         c.exchange_command + "\n";
}

} // namespace

std::vector<CsrOutput> make_requests(const Plan& plan, const Topology& topo, const std::vector<std::string>& ids,
                                     const std::optional<KeySpec>& key, const std::optional<std::string>& passphrase,
                                     unsigned jobs) {
  std::vector<const CertificatePlan*> chosen;
  for (const auto& id : ids) {
    const auto it = std::find_if(plan.certificates.begin(), plan.certificates.end(),
                                 [&](const CertificatePlan& c) { return c.id == id; });
    if (it == plan.certificates.end()) {
      std::vector<std::string> known;
      for (const auto& c : plan.certificates) {
        known.push_back(c.id);
      }
      throw Error(ErrorKind::usage, fmt::format("no planned certificate \"{}\" (planned: {})", id, fmt::join(known, ", ")));
    }
    chosen.push_back(&*it);
  }
  if (ids.empty()) {
    for (const auto& c : plan.certificates) {
      chosen.push_back(&c);
    }
  }
  const KeySpec k = key.value_or(topo.certificates.key);
  std::vector<CsrOutput> out(chosen.size());
  std::vector<std::exception_ptr> errors(chosen.size());
  std::atomic<std::size_t> next{0};
  // Key generation dominates (RSA especially): one worker per core.
  const auto work = [&] {
    for (std::size_t i = next++; i < chosen.size(); i = next++) {
      try {
        const auto& c = *chosen[i];
        const auto req = generate_request({c.cn, c.sans, c.subject, k}, passphrase);
        out[i] = {c.id, c.cn, c.sans, k.to_string(), req.key_pem, req.csr_pem, server_request(c), openssl_config(c, k)};
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const unsigned n = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(chosen.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) {
    pool.emplace_back(work);
  }
  work();
  for (auto& t : pool) {
    t.join();
  }
  for (const auto& e : errors) {
    if (e) {
      std::rethrow_exception(e);
    }
  }
  return out;
}

std::string csr_manifest(const std::vector<CsrOutput>& outputs) {
  nlohmann::ordered_json certs = nlohmann::ordered_json::array();
  for (const auto& o : outputs) {
    certs.push_back({{"id", o.id},
                     {"key_file", o.id + ".key"},
                     {"csr_file", o.id + ".csr"},
                     {"cn", o.cn},
                     {"sans", o.sans},
                     {"key_type", o.key_type},
                     {"exchange_command_file", o.id + ".ps1"},
                     {"openssl_config_file", o.id + ".cnf"},
                     // Two alternatives, not two steps: a CA issues one request, and the
                     // certificate is imported with the key that signed it.
                     {"paths",
                      {{{"path", "certplan-key"},
                        {"files", {o.id + ".key", o.id + ".csr"}},
                        {"key", "made by certplan, on this machine"},
                        {"deploy", "certplan deploy TOPOLOGY --key certplan"}},
                       {{"path", "server-request"},
                        {"files", {o.id + ".ps1"}},
                        {"key", "made by New-ExchangeCertificate on the Exchange server"},
                        {"deploy", "certplan deploy TOPOLOGY --key server"}}}}});
  }
  const nlohmann::ordered_json j{{"schema", "certplan.csr/1"}, {"certificates", std::move(certs)}};
  return j.dump(2) + "\n";
}

namespace {

// DNS names compare without regard to case (RFC 4343), and the plan holds A-labels (R17), so
// a request's names are compared in that form: "MAIL.Contoso.com" is the planned
// "mail.contoso.com". A name normalize_host refuses (a wildcard) is only lower-cased.
std::string name_key(const std::string& name) {
  std::string why;
  if (const auto h = normalize_host(name, why)) {
    return h->ascii;
  }
  std::string out = name;
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> name_keys(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  std::transform(names.begin(), names.end(), std::back_inserter(out), name_key);
  return out;
}

} // namespace

RequestCheck check_request(const Plan& plan, const RequestInfo& request) {
  RequestCheck r;
  const auto note = [&](Severity s, std::string text) {
    r.severity = std::max(r.severity, s);
    r.notes.push_back(std::move(text));
  };
  if (!request.signature_valid) {
    // A CA refuses a request whose signature does not verify, whatever it names; and names
    // read from altered bytes say nothing about what was requested. cli.md: a judged request
    // exits 0/1/2, so this is a failure of the request, not unusable input.
    note(Severity::failure, "the request's signature does not verify: it was altered or damaged after it was signed; "
                            "make the request again");
    return r;
  }
  const std::string cn = name_key(request.cn);
  const auto sans = name_keys(request.sans);
  const CertificatePlan* best = nullptr;
  std::size_t best_overlap = 0;
  for (const auto& c : plan.certificates) {
    if (c.cn == cn) {
      best = &c;
      break;
    }
    const auto overlap = static_cast<std::size_t>(std::count_if(c.sans.begin(), c.sans.end(), [&](const std::string& n) {
      return std::find(sans.begin(), sans.end(), n) != sans.end();
    }));
    if (overlap > best_overlap) {
      best = &c;
      best_overlap = overlap;
    }
  }
  // Keys, signature and subject: the registry's request rules (R10, R19, R20).
  const rules::RequestFacts facts{request, best != nullptr ? best->authority : Authority::public_, plan.exchange};
  for (const auto& v : rules::judge_request(facts)) {
    note(v.severity, fmt::format("{} {}: {}", v.rule, to_string(v.severity), v.message));
  }
  if (best == nullptr) {
    note(Severity::failure, "no planned certificate shares a name with this request");
    return r;
  }
  r.certificate = best->id;
  r.planned_cn = best->cn;
  r.cn_ok = cn == best->cn;
  if (!r.cn_ok) {
    note(Severity::failure, fmt::format("CN is \"{}\", planned \"{}\" (R7: the CN is the site namespace)", request.cn, best->cn));
  }
  const std::set<std::string> planned(best->sans.begin(), best->sans.end());
  const std::set<std::string> have(sans.begin(), sans.end());
  for (const auto& n : best->sans) {
    if (have.count(n) == 0) {
      r.missing.push_back(n);
    }
  }
  for (std::size_t i = 0; i < sans.size(); ++i) {
    if (planned.count(sans[i]) == 0) {
      r.extra.push_back(request.sans[i]); // as the request spells it
    }
  }
  if (!r.missing.empty()) {
    note(Severity::failure, fmt::format("missing: {}", fmt::join(r.missing, ", ")));
  }
  if (!r.extra.empty()) {
    note(Severity::failure, fmt::format("not planned: {}", fmt::join(r.extra, ", ")));
  }
  r.order_ok = sans == best->sans;
  if (!r.order_ok && r.missing.empty() && r.extra.empty()) {
    note(Severity::warning, fmt::format("same names in another order; planned order (R7): {}", fmt::join(best->sans, ", ")));
  }
  if (r.severity == Severity::info) {
    note(Severity::info, fmt::format("matches planned certificate {}: CN and {} in order", best->id,
                                    util::plural(best->sans.size(), "SAN", "SANs")));
  }
  return r;
}

} // namespace certplan
