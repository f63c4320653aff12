// The deploy steps per planned certificate and server, in the order an admin runs them: build
// the .pfx (certplan's key), import, enable for the planned services, the virtual directories'
// URLs and Outlook Anywhere for the site namespace, the SCP, POP/IMAP, the SMTP connectors,
// iisreset, then remove the replaced certificate. Which cmdlet and which parameters depend on
// the Exchange version (R18: Set-ClientAccessService from 2016, Set-OutlookAnywhere from 2013,
// ECP from 2010, MAPI over HTTP from 2013 SP1). Every value reaches a script through a template
// placeholder, so through the quoting module.
#include "deploy/deploy_internal.hpp"

#include <certplan/error.hpp>
#include <certplan/match.hpp>
#include <certplan/resources.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace certplan {

std::string_view to_string(KeySource k) { return k == KeySource::certplan ? "certplan" : "server"; }

std::optional<KeySource> key_source_from_string(std::string_view s) {
  if (s == "certplan") {
    return KeySource::certplan;
  }
  if (s == "server") {
    return KeySource::server;
  }
  return std::nullopt;
}

Severity DeployPlan::worst() const {
  Severity w = Severity::info;
  for (const auto& f : findings) {
    w = std::max(w, f.severity);
  }
  return w;
}

namespace deploy_detail {

DeployStep make_step(std::string id, std::string title, std::string_view name, const quote::Values& values,
                     std::string shell) {
  const std::string path = fmt::format("templates/exchange/deploy/{}", name);
  DeployStep s;
  s.id = std::move(id);
  s.title = std::move(title);
  s.shell = std::move(shell);
  std::string text = quote::expand_template(path, values);
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  s.command = std::move(text);
  // The page a template follows is the last URL of its comment lines.
  const auto raw = embedded_resource(path);
  std::string_view t = raw ? *raw : std::string_view();
  std::size_t at = 0;
  while (at < t.size() && t[at] == '#') {
    const auto end = std::min(t.find('\n', at), t.size());
    const std::string_view line = t.substr(at, end - at);
    if (const auto u = line.rfind("https://"); u != std::string_view::npos) {
      s.cites = std::string(line.substr(u));
    }
    at = end + 1;
  }
  return s;
}

} // namespace deploy_detail

namespace {

using deploy_detail::make_step;

// The two HTTP redirect web sites of the hosted model; `certplan tenant add` binds the tenants'
// host headers on sites of these names (src/tenant/tenant.cpp).
constexpr std::string_view k_autodiscover_site = "AutodiscoverRedirect";
constexpr std::string_view k_webmail_site = "WebmailRedirect";

bool at_least(ExchangeVersion v, ExchangeVersion min) { return static_cast<int>(v) >= static_cast<int>(min); }

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string win_path(const DeployOptions& o, std::string_view file) {
  std::string dir = o.files_dir;
  if (!dir.empty() && dir.back() != '\\') {
    dir += '\\';
  }
  return dir + std::string(file);
}

// The servers a certificate binds to: client-access servers of its sites (Exchange 2016 and
// later have no Client Access role: there the mailbox servers serve clients).
std::vector<std::pair<const Site*, const Server*>> servers_of(const Topology& topo, const CertificatePlan& c) {
  std::vector<std::pair<const Site*, const Server*>> out;
  const bool v2016 = at_least(topo.organization.exchange, ExchangeVersion::v2016);
  for (const auto& site : topo.sites) {
    if (!has(c.sites, site.name)) {
      continue;
    }
    for (const auto& s : site.servers) {
      if (s.has_role("client-access") || (v2016 && s.has_role("mailbox"))) {
        out.emplace_back(&site, &s);
      }
    }
  }
  return out;
}

bool wanted(const DeployOptions& o, const Server& s) { return o.servers.empty() || has(o.servers, s.name); }

// Whether `c` covers `host` by strict RFC 9525 (R17's matcher): a wildcard plan names
// mail.contoso.com only through *.contoso.com.
bool carries(const CertificatePlan& c, const std::string& host) {
  return covers(PresentedNames{c.sans, {}, c.cn}, host, strict_policy());
}

// The URLs of the site namespace go with the first IIS certificate that covers it: with
// single-name certificates, the one for the namespace, not the one for autodiscover.
const CertificatePlan* url_owner(const Plan& plan, const std::string& site_ns, const std::string& site) {
  for (const auto& c : plan.certificates) {
    if (has(c.services, "IIS") && carries(c, site_ns) && has(c.sites, site)) {
      return &c;
    }
  }
  return nullptr;
}

void url_steps(const Topology& topo, const Server& server, const std::string& ns, std::vector<DeployStep>& steps) {
  const auto v = topo.organization.exchange;
  const auto& svc = topo.services;
  const std::string base = "https://" + ns;
  struct Vdir {
    Service service;
    const char* file;
    const char* vdir;
    const char* path;
    ExchangeVersion since;
    const char* what;
  };
  static constexpr Vdir k_vdirs[] = {
      {Service::owa, "vdir-owa.ps1", "owa", "/owa", ExchangeVersion::v2007, "Outlook on the web (OWA)"},
      {Service::ecp, "vdir-ecp.ps1", "ecp", "/ecp", ExchangeVersion::v2010, "the admin center and options (ECP)"},
      {Service::ews, "vdir-webservices.ps1", "EWS", "/EWS/Exchange.asmx", ExchangeVersion::v2007, "Exchange Web Services"},
      {Service::oab, "vdir-oab.ps1", "OAB", "/OAB", ExchangeVersion::v2007, "the offline address book"},
      {Service::activesync, "vdir-activesync.ps1", "Microsoft-Server-ActiveSync", "/Microsoft-Server-ActiveSync",
       ExchangeVersion::v2007, "Exchange ActiveSync"},
      {Service::mapi, "vdir-mapi.ps1", "mapi", "/mapi", ExchangeVersion::v2013, "MAPI over HTTP (2013 SP1 and later)"},
  };
  for (const auto& d : k_vdirs) {
    if (!svc.enabled(d.service) || !at_least(v, d.since)) {
      continue;
    }
    steps.push_back(make_step(std::string(d.vdir) + "-urls", fmt::format("{} internal and external URL", d.what),
                              d.file,
                              {{"identity", fmt::format("{}\\{} (Default Web Site)", server.name, d.vdir)},
                               {"url", base + d.path}}));
  }
  if (svc.outlook_anywhere) {
    if (at_least(v, ExchangeVersion::v2013)) {
      steps.push_back(make_step("outlook-anywhere", "Outlook Anywhere host names", "outlook-anywhere.ps1",
                                {{"identity", server.name + "\\Rpc (Default Web Site)"}, {"host", ns}}));
    } else {
      steps.push_back(make_step("outlook-anywhere", "Outlook Anywhere (RPC over HTTP) on this server",
                                v == ExchangeVersion::v2007 ? "enable-outlook-anywhere-2007.ps1"
                                                            : "enable-outlook-anywhere-2010.ps1",
                                {{"server", server.name}, {"host", ns}}));
    }
  }
  if (svc.autodiscover) {
    auto s = make_step("autodiscover-scp", "the autodiscover SCP domain-joined Outlook reads (R2)",
                       at_least(v, ExchangeVersion::v2016) ? "autodiscover-scp.ps1" : "autodiscover-scp-2007.ps1",
                       {{"server", server.name}, {"uri", base + "/Autodiscover/Autodiscover.xml"}});
    steps.push_back(std::move(s));
  }
}

std::string protocol_host(const ProtocolService& p, const CertificatePlan& c, const std::string& ns) {
  if (p.host && carries(c, p.host->ascii)) {
    return p.host->ascii;
  }
  return carries(c, ns) ? ns : c.cn;
}

ServerSteps server_steps(const Plan& plan, const Topology& topo, const CertificatePlan& c, const DeployOptions& o,
                         const Site& site, const Server& server, bool first) {
  const auto v = topo.organization.exchange;
  const bool v2007 = v == ExchangeVersion::v2007;
  ServerSteps ss{server.name, site.name, {}};
  auto& steps = ss.steps;
  const std::string services = fmt::format("{}", fmt::join(c.services, ","));
  const std::string prompt = fmt::format("Passphrase of {}.pfx", c.id);
  if (o.key == KeySource::server && first) {
    auto s = make_step("import", fmt::format("import the issued certificate into the request {}.ps1 made here", c.id),
                       v2007 ? "import-cer-2007.ps1" : "import-cer.ps1",
                       {{"server", server.name}, {"file", win_path(o, c.id + ".cer")}});
    s.notes.push_back(fmt::format("{}.cer is what the CA issued for the request of {}.ps1, run on {}: the private key "
                                  "never left this server",
                                  c.id, c.id, server.name));
    steps.push_back(std::move(s));
  } else {
    auto s = make_step("import", fmt::format("import {}.pfx (certificate, chain and key)", c.id),
                       v2007 ? "import-pfx-2007.ps1" : "import-pfx.ps1",
                       {{"server", server.name}, {"file", win_path(o, c.id + ".pfx")}, {"prompt", prompt}});
    s.notes.push_back(o.key == KeySource::certplan
                          ? fmt::format("{}.pfx is built from certplan's {}.key on the admin workstation (step above)",
                                        c.id, c.id)
                          : fmt::format("{}.pfx is exported from the first server (Export-ExchangeCertificate "
                                        "-BinaryEncoded -Password)",
                                        c.id));
    steps.push_back(std::move(s));
  }
  if (v2007) {
    steps.back().notes.push_back("Exchange 2007's certificate cmdlets act on the local server: run this on " +
                                 server.name);
  }
  {
    auto s = make_step("enable", fmt::format("bind it to {}", services), v2007 ? "enable-2007.ps1" : "enable.ps1",
                       {{"server", server.name}, {"services", services}});
    if (has(c.services, "SMTP")) {
      s.notes.push_back("with SMTP, Enable-ExchangeCertificate asks whether to overwrite the default SMTP "
                        "certificate (the self-signed one Exchange servers use for TLS among themselves): answer N "
                        "to keep it; -Force would answer yes without asking");
    }
    steps.push_back(std::move(s));
  }
  if (has(c.services, "IIS") && site.ns) {
    const std::string ns = site.ns->ascii;
    if (url_owner(plan, ns, site.name) == &c) {
      url_steps(topo, server, ns, steps);
    }
  }
  const std::string ns = site.ns ? site.ns->ascii : c.cn;
  if (has(c.services, "POP")) {
    steps.push_back(make_step("pop", "the name POP3 presents over TLS", at_least(v, ExchangeVersion::v2013) ? "pop.ps1" : "pop-2007.ps1",
                              {{"server", server.name}, {"host", protocol_host(topo.services.pop3, c, ns)}}));
  }
  if (has(c.services, "IMAP")) {
    steps.push_back(make_step("imap", "the name IMAP4 presents over TLS", at_least(v, ExchangeVersion::v2013) ? "imap.ps1" : "imap-2007.ps1",
                              {{"server", server.name}, {"host", protocol_host(topo.services.imap4, c, ns)}}));
  }
  if (has(c.services, "SMTP")) {
    if (at_least(v, ExchangeVersion::v2013)) {
      steps.push_back(make_step("smtp-connectors", "the receive and send connectors offer this certificate for STARTTLS",
                                "smtp-connectors.ps1",
                                {{"server", server.name},
                                 {"frontend", fmt::format("{}\\Default Frontend {}", server.name, server.name)},
                                 {"client_frontend", fmt::format("{}\\Client Frontend {}", server.name, server.name)},
                                 {"names", c.sans}}));
    } else if (!steps.empty()) {
      steps.back().notes.push_back(fmt::format(
          "{}: SMTP picks the certificate whose names match the connector's FQDN; certplan emits no TlsCertificateName "
          "step before Exchange 2013",
          version_label(v)));
    }
  }
  if (has(c.services, "IIS")) {
    steps.push_back(make_step("iisreset", "restart IIS so it serves the new binding", "iisreset.ps1", {{"server", server.name}}));
  }
  steps.push_back(make_step("remove-replaced", "remove the certificate this one replaced",
                            v2007 ? "remove-replaced-2007.ps1" : "remove-replaced.ps1",
                            {{"server", server.name}}));
  return ss;
}

std::vector<ServerSteps> hosted_set_up(const Plan& plan, const Topology& topo, const DeployOptions& o) {
  std::vector<ServerSteps> out;
  if (topo.organization.model != Model::hosted || !topo.hosting) {
    return out;
  }
  const auto& h = *topo.hosting;
  for (const auto& site : topo.sites) {
    if (!site.internet_facing) {
      continue;
    }
    for (const auto& s : site.servers) {
      if (!s.has_role("client-access") || !wanted(o, s)) {
        continue;
      }
      ServerSteps ss{s.name, site.name, {}};
      if (s.secondary_ip.empty()) {
        DeployStep none;
        none.id = "redirect-sites";
        none.title = "the redirect web sites need a secondary IP address";
        none.notes.push_back(fmt::format("{} has no secondary_ip in the topology: the redirect sites listen on port 80 "
                                         "of a second address (seed 000); add one, then run deploy again",
                                         s.name));
        ss.steps.push_back(std::move(none));
        out.push_back(std::move(ss));
        continue;
      }
      if (!s.ip.empty()) {
        auto b = make_step("default-site-ip", "the Default Web Site's 443 on the primary IP only", "default-site-ip.ps1",
                           {{"ip", s.ip}});
        b.notes.push_back("so the redirect sites on the secondary IP never answer 443 with the provider's certificate");
        ss.steps.push_back(std::move(b));
      }
      const auto redirect = [&](std::string_view site_name, const std::string& host, const std::string& destination,
                                const std::string& what) {
        auto r = make_step(fmt::format("{}-site", site_name), what, "redirect-site.ps1",
                           {{"site", std::string(site_name)},
                            {"ip", s.secondary_ip},
                            {"host", host},
                            {"path", fmt::format("C:\\inetpub\\{}", site_name)},
                            {"pspath", fmt::format("IIS:\\Sites\\{}", site_name)},
                            {"destination", destination}});
        r.notes.push_back(fmt::format("run on {}; `certplan tenant add` prints each tenant's host-header binding on "
                                      "this site",
                                      s.name));
        ss.steps.push_back(std::move(r));
      };
      if (h.autodiscover == AutodiscoverMethod::redirect) {
        redirect(k_autodiscover_site, h.redirect_host ? h.redirect_host->ascii : "autodiscoverredirect." + h.provider_domain.ascii,
                 fmt::format("https://autodiscover.{}/autodiscover/autodiscover.xml", h.provider_domain.ascii),
                 "the autodiscover redirect site: http://autodiscover.<tenant domain>/ answers 302 to the provider");
      }
      if (h.webmail_redirect_host && site.ns) {
        redirect(k_webmail_site, h.webmail_redirect_host->ascii, fmt::format("https://{}/owa", site.ns->ascii),
                 "the webmail redirect site: a tenant's vanity webmail host answers 302 to the provider's OWA");
      }
      out.push_back(std::move(ss));
    }
  }
  (void)plan;
  return out;
}

} // namespace

DeployPlan make_deploy(const Plan& plan, const Topology& topo, const DeployOptions& o,
                       const std::vector<std::string>& known_names) {
  for (const auto& id : o.certificates) {
    if (std::none_of(plan.certificates.begin(), plan.certificates.end(), [&](const auto& c) { return c.id == id; })) {
      std::vector<std::string> known;
      for (const auto& c : plan.certificates) {
        known.push_back(c.id);
      }
      throw Error(ErrorKind::usage, fmt::format("--cert {}: no such planned certificate (planned: {})", id, fmt::join(known, ", ")));
    }
  }
  for (const auto& name : o.servers) {
    const bool found = std::any_of(topo.sites.begin(), topo.sites.end(), [&](const Site& s) {
      return std::any_of(s.servers.begin(), s.servers.end(), [&](const Server& v) { return v.name == name; });
    });
    if (!found) {
      throw Error(ErrorKind::usage, fmt::format("--server {}: no server of that name in {}", name, topo.path));
    }
  }
  // A line break in a path would end a comment line or split a command a reader copies.
  for (const auto& [flag, value] : {std::pair{"--files-dir", &o.files_dir}, std::pair{"--key-passphrase-file", &o.key_passphrase_file}}) {
    if (const auto c = quote::find_control(*value)) {
      throw Error(ErrorKind::usage, fmt::format("{} holds the control character {}", flag, quote::code_point_name(c->code_point)));
    }
  }
  DeployPlan d;
  d.topology_path = plan.topology_path;
  d.organization = plan.organization;
  d.exchange = plan.exchange;
  d.model = plan.model;
  d.at = deploy_detail::ymd(o.at);
  for (const auto& f : plan.findings) {
    if (f.severity != Severity::info) {
      d.findings.push_back(f);
    }
  }
  d.one_time = hosted_set_up(plan, topo, o);
  const auto v = topo.organization.exchange;
  for (const auto& c : plan.certificates) {
    if (!o.certificates.empty() && !has(o.certificates, c.id)) {
      continue;
    }
    CertificateDeploy cd;
    cd.id = c.id;
    cd.cn = c.cn;
    cd.sans = c.sans;
    cd.services = c.services;
    cd.key = o.key;
    if (o.key == KeySource::certplan) {
      const bool passin = !o.key_passphrase_file.empty();
      auto s = make_step("pfx", fmt::format("build {}.pfx from certplan's {}.key and the issued chain", c.id, c.id),
                         passin ? "pfx-openssl-passin.sh" : "pfx-openssl.sh",
                         {{"key", c.id + ".key"},
                          {"passin", "file:" + o.key_passphrase_file},
                          {"cert", c.id + ".cer"},
                          {"chain", c.id + ".chain.pem"},
                          {"name", c.cn},
                          {"passout", "file:" + c.id + ".pfx.pass"},
                          {"pfx", c.id + ".pfx"}},
                         "sh");
      s.notes.push_back(fmt::format("{}.cer is the issued certificate and {}.chain.pem its intermediates (PEM); "
                                    "{}.pfx.pass holds the .pfx passphrase on its first line (make it with "
                                    "umask 077); copy {}.pfx to {} on each server",
                                    c.id, c.id, c.id, c.id, o.files_dir));
      cd.prepare.push_back(std::move(s));
    }
    bool first = true;
    const Server* first_server = nullptr;
    for (const auto& [site, server] : servers_of(topo, c)) {
      if (!wanted(o, *server)) {
        continue;
      }
      cd.servers.push_back(server_steps(plan, topo, c, o, *site, *server, first));
      if (first) {
        first_server = server;
      }
      first = false;
    }
    if (o.key == KeySource::server && cd.servers.size() > 1) {
      auto& steps = cd.servers.front().steps;
      auto s = make_step("export", fmt::format("export {}.pfx for the other servers", c.id), "export-pfx.ps1",
                         {{"server", cd.servers.front().server},
                          {"file", win_path(o, c.id + ".pfx")},
                          {"prompt", fmt::format("Passphrase of {}.pfx", c.id)}});
      if (v == ExchangeVersion::v2007 || v == ExchangeVersion::v2010) {
        s.notes.push_back(fmt::format("{}: Export-ExchangeCertificate writes the file itself with -Path", version_label(v)));
      }
      steps.insert(steps.begin() + 2, std::move(s));
    }
    const std::string principal = planned_principal(plan, c.forest);
    if (!principal.empty() && principal == c.principal_name && has(c.services, "IIS")) {
      auto s = make_step("outlook-provider", "the Outlook Anywhere principal name (R16)", "outlook-provider.ps1",
                         {{"principal", principal}});
      s.notes.push_back("one EXPR provider per organization: Outlook checks this name against the certificate's CN");
      cd.organization.push_back(std::move(s));
    }
    cd.renewal = deploy_detail::plan_renewal(c, o.at, known_names);
    const std::string server_name = first_server != nullptr ? first_server->name : std::string();
    const std::string services = fmt::format("{}", fmt::join(c.services, ","));
    cd.renewal.certbot = make_step("certbot", fmt::format("ACME with certplan's key: certbot sends {}.csr", c.id), "renew-certbot.sh",
                                   {{"csr", c.id + ".csr"},
                                    {"cert", c.id + ".cer"},
                                    {"chain", c.id + ".chain.pem"},
                                    {"fullchain", c.id + ".fullchain.pem"}},
                                   "sh");
    cd.renewal.win_acme = make_step(
        "win-acme", "ACME on the Exchange server: win-acme and its Exchange import script", "renew-win-acme.ps1",
        {{"hosts", fmt::format("{}", fmt::join(c.sans, ","))},
         {"cn", c.cn},
         {"script_parameters",
          fmt::format("'{{CertThumbprint}}' '{}' 1 '{{CacheFile}}' '{{CachePassword}}' '{{CertFriendlyName}}'", services)}});
    cd.renewal.posh_acme =
        v == ExchangeVersion::v2007
            ? make_step("posh-acme", "ACME on the Exchange server: Posh-ACME", "renew-posh-acme-2007.ps1",
                        {{"names", c.sans}, {"services", services}})
            : make_step("posh-acme", "ACME on the Exchange server: Posh-ACME", "renew-posh-acme.ps1",
                        {{"names", c.sans}, {"server", server_name}, {"services", services}});
    const bool old_cmdlets = v == ExchangeVersion::v2007 || v == ExchangeVersion::v2010;
    cd.renewal.from_existing =
        make_step("renew-from-existing", "renew from the installed certificate (new key, same names)",
                  old_cmdlets ? "renew-from-existing-2007.ps1" : "renew-from-existing.ps1",
                  {{"server", server_name}, {"file", win_path(o, c.id + "-renewal.req")}});
    cd.renewal.posh_acme.notes.push_back("Posh-ACME needs Windows PowerShell 5.1 or later on the server");
    d.certificates.push_back(std::move(cd));
  }
  return d;
}

} // namespace certplan
