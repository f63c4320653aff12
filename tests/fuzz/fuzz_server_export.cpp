// --server-export's readers of untrusted input (issue 16): the CLIXML reader (pugixml), the
// ConvertTo-Json reader and the BinaryFormatter blob reader, then the installed state built
// from whatever they read. Anything may be refused, with certplan::Error only; nothing may
// crash, and a refusal of CLIXML or JSON names the file.
#include "fuzz.hpp"

#include <certplan/error.hpp>
#include <certplan/server_export.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::text(data, size);
  using namespace certplan::exports;
  // A blob of its own, and the same bytes after the #sig# wrapper.
  (void)read_certificate_blob(text);
  (void)read_certificate_blob("#sig#" + std::string(text));
  try {
    const std::string utf8 = to_utf8(text, "f.xml");
    const auto format = sniff_format(utf8);
    InstalledState s;
    s.source = "dir";
    if (format) {
      const auto objects = *format == ExportFormat::clixml ? read_clixml(utf8, "f.xml") : read_ps_json(utf8, "f.xml");
      add_objects(s, objects, "f.xml");
      (void)judge_installed(s, {"mail.contoso.com"}, 1654041600);
    } else {
      (void)read_clixml(utf8, "f.xml");
    }
  } catch (const certplan::Error& e) {
    fuzz::expect(e.where() && e.where()->file == "f.xml", "a refusal that does not name the file");
  }
  return 0;
}
