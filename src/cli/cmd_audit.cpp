#include "cli/cli.hpp"
#include "cli/server_export.hpp"

#include <certplan/audit.hpp>
#include <certplan/clients.hpp>
#include <certplan/io.hpp>
#include <certplan/live.hpp>
#include <certplan/load.hpp>
#include <certplan/match.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>

#include <fmt/format.h>

#include <atomic>
#include <ctime>
#include <exception>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>

namespace certplan::cli {
namespace {

struct AuditOptions {
  CommonOptions common;
  std::string topology;
  std::vector<std::string> certs;
  std::string trust;
  std::string key;
  std::string replacing;
  bool live = false;
  std::vector<std::string> connect_to;
  int timeout = 10;
  std::size_t max_chain = 16;
  std::size_t jobs = 16; // as expiry: probes are network-bound
  std::vector<std::string> server_exports;
};

// One certificate file to read and the bindings it gets.
struct CertificateFile {
  std::string file;
  std::vector<std::string> services, sites;
  bool own_address = false;
};

std::vector<AuditCertificate> load_certificates(const AuditOptions& o, const Topology& topo, const ChainValidator& chains,
                                                long long at, const std::string& first_override = "") {
  std::vector<CertificateFile> files;
  // Certificates on the command line serve every internet-facing site's IIS endpoints.
  for (std::size_t i = 0; i < o.certs.size(); ++i) {
    files.push_back({i == 0 && !first_override.empty() ? first_override : o.certs[i], {"iis"}, {}, false});
  }
  const auto base = std::filesystem::path(topo.path).parent_path();
  for (const auto& in : topo.installed) {
    const std::string file = (base / in.file).string();
    files.push_back({files.empty() && !first_override.empty() ? first_override : file, in.services, in.sites,
                     in.own_address});
  }
  if (files.empty() && o.server_exports.empty()) {
    throw Error(ErrorKind::usage, "no certificate to audit: give CERT files or [[installed]] entries in " + topo.path);
  }
  const auto read = [&](std::size_t i) {
    CertificateFile& f = files[i];
    const std::string data = read_file(f.file, o.common.limits);
    AuditCertificate c;
    c.source = f.file;
    // One Botan parse of the file for its fields and its chain (ChainValidator::read).
    auto bundle = chains.read(data, f.file, at, o.common.limits.max_certificates);
    auto& certificates = bundle.certificates;
    c.leaf = certificates.front();
    c.intermediates.assign(std::make_move_iterator(certificates.begin() + 1), std::make_move_iterator(certificates.end()));
    c.chain = std::move(bundle.chain);
    c.services = std::move(f.services);
    c.sites = std::move(f.sites);
    c.own_address = f.own_address;
    if (i == 0 && !o.key.empty()) {
      c.key_matches = key_matches(read_file(o.key, o.common.limits), data, std::nullopt);
    }
    return c;
  };
  // Issue 18: the files are independent (ChainValidator is safe from several threads), so two
  // threads take them in turn, each the next not taken. The error said is the one reading
  // them in order meets first, the first failing file's; no later file is begun after it.
  std::vector<std::optional<AuditCertificate>> read_ones(files.size());
  std::vector<std::exception_ptr> errors(files.size());
  std::atomic<std::size_t> next{0}, first_error{files.size()};
  const auto work = [&] {
    for (std::size_t i = 0; (i = next++) < files.size() && i < first_error;) {
      try {
        read_ones[i] = read(i);
      } catch (...) {
        errors[i] = std::current_exception();
        for (std::size_t seen = first_error; i < seen && !first_error.compare_exchange_weak(seen, i);) {
        }
      }
    }
  };
  {
    auto other = std::async(files.size() > 1 ? std::launch::async : std::launch::deferred, work);
    work();
    other.get();
  }
  if (first_error < files.size()) {
    std::rethrow_exception(errors[first_error]);
  }
  std::vector<AuditCertificate> out;
  out.reserve(files.size());
  for (auto& c : read_ones) {
    out.push_back(std::move(*c));
  }
  return out;
}

// The service a port given as HOST:PORT speaks (the plan's ports and their STARTTLS twins).
std::string service_of_port(const std::string& arg, unsigned port) {
  switch (port) {
  case 443: return "iis";
  case 993: case 143: return "imap";
  case 995: case 110: return "pop";
  case 25: case 587: return "smtp";
  default:
    throw Error(ErrorKind::usage, fmt::format("{}: the port says the service (443 HTTPS, 993/143 IMAP, 995/110 POP3, "
                                              "25/587 SMTP); for another port give the planned one and --connect-to",
                                              arg));
  }
}

// Issue 14: probe every planned endpoint (or those given as HOST:PORT) as its clients connect
// -- with SNI = the name, and without SNI when a supported client may send none -- and judge
// what was served through the same model and registry as installed certificates.
Audit audit_served(const AuditOptions& o, const std::vector<HostPort>& given, const Topology& topo, const Plan& plan,
                   const ChainValidator& chains, long long at) {
  const auto& catalog = ClientCatalog::builtin();
  std::vector<LiveProbe> probes = live_probes(topo, plan, catalog);
  if (!given.empty()) {
    std::vector<LiveProbe> chosen;
    for (const auto& g : given) {
      const std::string arg = fmt::format("{}:{}", g.host, g.port);
      const std::string service = service_of_port(arg, g.port);
      const auto it = std::find_if(probes.begin(), probes.end(),
                                   [&](const LiveProbe& p) { return p.host == g.host && p.service == service; });
      if (it == probes.end()) {
        throw Error(ErrorKind::usage, fmt::format("{}: the topology plans no {} endpoint named {} (see `certplan plan {}`)",
                                                  arg, service == "iis" ? "HTTPS" : service, g.host, o.topology));
      }
      LiveProbe p = *it;
      p.port = g.port;
      chosen.push_back(std::move(p));
    }
    probes = std::move(chosen);
  }
  std::vector<LiveTarget> targets;
  std::vector<std::size_t> target_of_with, target_of_without;
  for (const auto& p : probes) {
    const auto add = [&](const std::string& sni) {
      LiveTarget t{fmt::format("{}:{}", p.host, p.port), p.host, p.port, sni, starttls_for("", p.port)};
      apply_connect_to(t, p.host, p.port, o.connect_to);
      targets.push_back(std::move(t));
      return targets.size() - 1;
    };
    target_of_with.push_back(add(p.host));
    target_of_without.push_back(p.without_sni ? add("") : target_of_with.back());
  }
  const std::vector<ProbeResult> results = probe_all(targets, {o.jobs, o.timeout * 1000, o.max_chain});
  // One certificate per distinct chain served: a server that sends the same chain with SNI and
  // without serves one certificate, so the R12 model sees that SNI changes nothing there.
  std::vector<AuditCertificate> served;
  std::map<std::string, std::size_t> by_chain;
  const auto certificate_of = [&](std::size_t t) -> std::size_t {
    const ProbeResult& r = results[t];
    if (r.chain.empty()) {
      return LiveObservation::none;
    }
    auto [it, fresh] = by_chain.try_emplace(r.chain_pem, served.size());
    if (fresh) {
      AuditCertificate c;
      const std::string where = targets[t].host + ":" + std::to_string(targets[t].port);
      c.source = fmt::format("the certificate {} served at {}", certificate_label(r.chain.front()), where);
      c.leaf = r.chain.front();
      c.intermediates.assign(r.chain.begin() + 1, r.chain.end());
      c.chain = chains.check(r.chain_pem, where, at);
      c.served = true;
      served.push_back(std::move(c));
    }
    return it->second;
  };
  std::vector<LiveObservation> observed;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const auto& tw = targets[target_of_with[i]];
    LiveObservation ob;
    ob.host = probes[i].host;
    ob.service = probes[i].service;
    ob.address = tw.label == tw.host + ":" + std::to_string(tw.port) ? tw.label
                                                                     : fmt::format("{} (at {}:{})", tw.label, tw.host, tw.port);
    ob.with_sni = certificate_of(target_of_with[i]);
    ob.with_sni_error = naming_flag(results[target_of_with[i]].error, results[target_of_with[i]].limit);
    ob.without_sni = certificate_of(target_of_without[i]);
    ob.without_sni_error = naming_flag(results[target_of_without[i]].error, results[target_of_without[i]].limit);
    observed.push_back(std::move(ob));
  }
  return audit_live(topo, plan, catalog, served, observed, at);
}

// What run_audit reads besides the topology and the plan: the trust store, the HOST:PORT
// arguments and the certificate files with their chains validated.
struct AuditInputs {
  std::unique_ptr<ChainValidator> chains;
  std::vector<HostPort> given;
  AuditOptions files; // the options with CERT narrowed to files
  std::vector<AuditCertificate> certs;
};

AuditInputs read_inputs(const AuditOptions& o, const Topology& topo, long long at) {
  AuditInputs in{std::make_unique<ChainValidator>(o.trust), {}, o, {}};
  // HOST:PORT arguments are live endpoints (a file of that name stays a file, as in expiry).
  in.files.certs.clear();
  for (const auto& c : o.certs) {
    std::error_code ec;
    const HostPort hp = std::filesystem::exists(c, ec) ? HostPort{} : parse_host_port(c);
    (hp.host.empty() ? in.files.certs.push_back(c) : in.given.push_back(hp));
  }
  if (o.live || !in.given.empty()) {
    if (!in.files.certs.empty() || !o.key.empty() || !o.replacing.empty() || !o.server_exports.empty()) {
      throw Error(ErrorKind::usage,
                  "a live audit judges what the servers serve: give no CERT file, --key, --replacing or --server-export with it");
    }
    return in;
  }
  in.certs = load_certificates(in.files, topo, *in.chains, at);
  return in;
}

int run_audit(const AuditOptions& o, Io& io) {
  const Format format = output_format(o.common);
  const auto& catalog = ClientCatalog::builtin();
  const Topology topo = load_topology(o.topology, catalog, o.common.limits);
  const long long at = reference_time(o.common);
  // Issue 18: reading the certificate files (Botan parses each and validates its chain) needs
  // no plan, so it runs on other threads (load_certificates') while the plan is made here. A
  // plan that throws is still the error reported (the future's destructor waits for the
  // reading and drops its outcome); otherwise the reading's errors come in their old order.
  auto reading = std::async(std::launch::async, [&] { return read_inputs(o, topo, at); });
  // The planned names and certificates are all an audit reads of a plan (the cells, R16's
  // principal, the exports' names); the plan's DNS, findings and client evaluation are not made.
  const Plan plan = make_certificate_plan(topo, catalog);
  AuditInputs in = reading.get();
  const ChainValidator& chains = *in.chains;
  const AuditOptions& files = in.files;
  if (o.live || !in.given.empty()) {
    Audit a = audit_served(o, in.given, topo, plan, chains, at);
    a.add_trust_notes(chains.notes());
    emit(o.common, io, render_audit(a, {}, format));
    return exit_for(a.worst());
  }
  auto& certs = in.certs;
  const auto exported = add_server_exports(o.server_exports, topo, plan, chains, at, certs);
  Audit a = audit_endpoints(topo, plan, catalog, certs, at);
  a.findings.insert(a.findings.end(), exported.begin(), exported.end());
  a.add_trust_notes(chains.notes());
  std::vector<AuditResult> regressions;
  if (!o.replacing.empty()) {
    // The old certificate in the new one's place (the first given), same bindings.
    const auto old = load_certificates(files, topo, chains, at, o.replacing);
    regressions = renewal_regressions(audit_endpoints(topo, plan, catalog, old, at), a);
    for (const auto& r : regressions) {
      a.findings.push_back({"renewal", Severity::failure,
                            fmt::format("{} ({}) for {}: served by {}, not by the new certificate", r.endpoint, r.service,
                                        r.client, o.replacing),
                            r.client});
    }
  }
  emit(o.common, io, render_audit(a, regressions, format));
  return exit_for(a.worst());
}

struct MatchOptions {
  CommonOptions common;
  std::string cert;
  std::vector<std::string> hosts;
  std::string client;
};

int run_match(const MatchOptions& o, Io& io) {
  const auto leaf = read_certificates(read_file(o.cert, o.common.limits), o.cert, o.common.limits.max_certificates).front();
  const ClientProfile* client = nullptr;
  if (!o.client.empty()) {
    client = ClientCatalog::builtin().find(o.client);
    if (client == nullptr) {
      throw Error(ErrorKind::usage, "unknown client \"" + o.client + "\"; known clients: " + ClientCatalog::builtin().ids_joined());
    }
  }
  const MatchReport report = match_hosts(o.cert, {leaf.dns_sans, leaf.ip_sans, leaf.subject_cn}, o.hosts, client);
  emit(o.common, io, render_match(report, output_format(o.common)));
  return report.all_covered() ? exit_ok : exit_failure;
}

} // namespace

void setup_audit(CLI::App& sub, Action& action) {
  auto o = std::make_shared<AuditOptions>();
  sub.add_option("TOPOLOGY", o->topology, "topology file")->required();
  sub.add_option("CERT", o->certs, "HOST:PORT of planned endpoints to probe (see --live), or certificate files (PEM, DER, bundles with chain); each serves every internet-facing "
                                   "site's IIS endpoints; [[installed]] entries are audited too");
  sub.add_option("--trust", o->trust, "PEM bundle of trusted roots (default: the system store)");
  sub.add_option("--key", o->key, "private key (unencrypted PKCS#8) that must belong to the first certificate");
  sub.add_option("--replacing", o->replacing, "the certificate the first one replaces: fail on what the renewal drops");
  sub.add_flag("--live", o->live,
               "probe every planned endpoint as its clients connect (SNI = the name, and without SNI where a supported "
               "client sends none; STARTTLS on 25/587, 143, 110) and judge what is served; HOST:PORT arguments probe "
               "only those planned endpoints");
  sub.add_option("--connect-to", o->connect_to,
                 "HOST1:PORT1:HOST2:PORT2: probe HOST2:PORT2 for HOST1:PORT1, keeping the name and SNI (as curl)");
  sub.add_option("--timeout", o->timeout, "seconds for each probe, all included (connect, STARTTLS, handshake)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  sub.add_option("--max-chain", o->max_chain, "certificates: a server sending a longer chain is reported, not read")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  sub.add_option("--jobs", o->jobs, "probes at once")->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  sub.add_option("--server-export", o->server_exports, "folder of one Exchange server's exports (Export-Clixml or "
                                                       "ConvertTo-Json); repeat for each server");
  add_common_options(sub, o->common, {"text", "json", "markdown"}, uses_at | uses_topology | uses_certs);
  sub.callback([o, &action] { action = [o](Io& io) { return run_audit(*o, io); }; });
}

void setup_match(CLI::App& sub, Action& action) {
  auto o = std::make_shared<MatchOptions>();
  sub.add_option("CERT", o->cert, "certificate file (PEM or DER; the first certificate is judged)")->required();
  sub.add_option("HOST", o->hosts, "host names or IP addresses")->required();
  sub.add_option("--client", o->client, "judge as this client profile would (default: strict RFC 9525)");
  add_common_options(sub, o->common, {"text", "json"}, uses_file_size | uses_certs);
  sub.callback([o, &action] { action = [o](Io& io) { return run_match(*o, io); }; });
}

} // namespace certplan::cli
