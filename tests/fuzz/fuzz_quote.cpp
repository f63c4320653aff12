// The quoters of src/quote/ (issue 13). Input: any bytes, taken as one value. Besides not
// crashing: each quoter's output, read back by the reference reader of its language
// (tests/quote_readers.hpp), is exactly one literal equal to the input, and a quoter refuses
// only what its contract says it refuses.
#include "fuzz.hpp"

#include <certplan/error.hpp>
#include <certplan/quote.hpp>

#include "quote_readers.hpp"

#include <algorithm>
#include <string>

namespace q = certplan::quote;
namespace r = quote_readers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string s(fuzz::text(data, size));
  fuzz::expect(r::read_powershell(q::powershell(s)) == s, "a PowerShell literal that does not read back");
  const auto list = r::ps_tokenize(q::powershell_list({s, s}));
  fuzz::expect(!list.unterminated && list.literals == std::vector<std::string>{s, s} && list.outside == ", ",
               "a PowerShell list that is not two literals");
  fuzz::expect(r::read_x500_value(q::x500_value(s)) == s, "an X.500 value that does not read back");
  fuzz::expect(r::read_csv(q::csv_field(s)) == s, "a CSV field that does not read back");
  fuzz::expect(r::read_toml_basic(q::toml_basic(s)) == s, "a TOML string that does not read back");
  fuzz::expect(r::read_prometheus_label(q::prometheus_label(s)) == s, "a Prometheus label that does not read back");
  fuzz::expect(r::read_markdown_cell(q::markdown_cell(s)) == s, "a Markdown cell that does not read back");

  const bool c0 = std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
  try {
    fuzz::expect(r::read_openssl_value(q::openssl_value(s)) == s, "an openssl value that does not read back");
    fuzz::expect(!c0, "an openssl value with a control character was written");
  } catch (const certplan::Error&) {
    fuzz::expect(c0, "an openssl value refused without a control character");
  }
  try {
    fuzz::expect(r::read_dns_text(q::dns_text(s)) == s, "a DNS character-string that does not read back");
  } catch (const certplan::Error&) {
    fuzz::expect(s.size() > 255, "a DNS character-string of at most 255 octets refused");
  }
  const bool control = q::find_control(s).has_value();
  try {
    fuzz::expect(q::comment(s) == s && !control, "a comment changed or holding a control character");
  } catch (const certplan::Error&) {
    fuzz::expect(control, "a comment refused without a control character");
  }

  std::string expected;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    expected += (u < 0x20 && c != '\t' && c != '\n') || u == 0x7F ? std::string("\xEF\xBF\xBD") : std::string(1, c);
  }
  const auto text = q::ics_text(s);
  fuzz::expect(r::read_ics_text(text) == expected, "an iCalendar TEXT value that does not read back");
  const auto line = "SUMMARY:" + text;
  fuzz::expect(r::ics_unfold(q::ics_fold(line)) == line, "an iCalendar line that does not unfold to itself");
  return 0;
}
