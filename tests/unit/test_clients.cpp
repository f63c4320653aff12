// Client profiles (R13): the data compiles in, every required profile exists, every claim is cited.
#include "support.hpp"

#include <certplan/resources.hpp>

using certplan::ClientCatalog;

TEST_CASE("the built-in catalog holds the profiles domain.md R13 requires", "[clients]") {
  const auto& c = ClientCatalog::builtin();
  REQUIRE(c.all().size() >= 11);
  for (const char* id : {"outlook-2007", "outlook-2010", "outlook-2013", "outlook-2016", "owa-browser",
                         "windows-mobile-5", "windows-mobile-6", "ios-mail", "android-eas", "thunderbird",
                         "smtp-partner"}) {
    INFO(id);
    REQUIRE(c.find(id) != nullptr);
  }
}

TEST_CASE("every capability claim carries a citation", "[clients]") {
  for (const auto& p : ClientCatalog::builtin().all()) {
    for (const char* claim : {"wildcard", "name_source", "oa_principal", "private_ca", "self_signed", "sha256", "sni",
                              "ecdsa", "autodiscover"}) {
      INFO(p.id << " " << claim);
      REQUIRE(p.sources.count(claim) == 1);
      REQUIRE(p.sources.at(claim).size() > 3);
    }
  }
}

TEST_CASE("R14 as data: Windows Mobile 5 rejects wildcards, 6 accepts them", "[clients]") {
  const auto& c = ClientCatalog::builtin();
  REQUIRE(c.find("windows-mobile-5")->wildcard == certplan::WildcardSupport::none);
  REQUIRE(c.find("windows-mobile-6")->wildcard != certplan::WildcardSupport::none);
  REQUIRE(c.find("outlook-2007-xp")->oa_principal == certplan::OaPrincipal::cn); // R16
}

TEST_CASE("a profile with an unknown key or value is rejected", "[clients]") {
  const auto base = std::string(*certplan::embedded_resource("data/clients/ios-mail.toml"));
  REQUIRE_NOTHROW(ClientCatalog::from_documents({{"x/ios-mail.toml", base}}));
  REQUIRE_THROWS_AS(ClientCatalog::from_documents({{"x/ios-mail.toml", base + "\nsupports_magic = \"yes\"\n"}}),
                    certplan::Error);
  auto bad = base;
  bad.replace(bad.find("sni = \""), 7, "sni = \"maybe\" # ");
  REQUIRE_THROWS_AS(ClientCatalog::from_documents({{"x/ios-mail.toml", bad}}), certplan::Error);
  REQUIRE_THROWS_AS(ClientCatalog::from_documents({{"x/other.toml", base}}), certplan::Error);
}
