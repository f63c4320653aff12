// Quoting, one function per output language certplan writes (issue 13): a value that came
// from a topology, a command line or a certificate is spliced into a script, a config or a
// table only through one of these, so it stays one literal whatever it holds. Each function
// returns the complete literal (its quotes included) and either represents every input or
// says below what it refuses (an Error of kind input) or replaces.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace certplan::quote {

// The first control character of UTF-8 text, with its byte offset: C0 (U+0000-U+001F), DEL,
// C1 (U+0080-U+009F) and the line and paragraph separators U+2028/U+2029. What a topology
// may not hold (refused at load) and what no line of a config or comment can hold.
struct Control {
  std::size_t offset;
  char32_t code_point;
};
std::optional<Control> find_control(std::string_view utf8);
// "U+000A", for messages.
std::string code_point_name(char32_t c);

// PowerShell: a single-quoted (verbatim) string, '...'. Nothing is special inside one but the
// quote itself, which is doubled; PowerShell also takes U+2018, U+2019, U+201A and U+201B as
// single quotes (about_Quoting_Rules; its tokenizer's IsSingleQuote), so those are doubled
// too. Represents every input.
std::string powershell(std::string_view s);
// A PowerShell array argument: 'a', 'b', each element as above; @() when empty.
std::string powershell_list(const std::vector<std::string>& items);

// A POSIX shell word (XCU 2.2.2 Single-Quotes): '...', nothing special inside but the quote
// itself, written as '\'' (close, an escaped quote, reopen). A NUL cannot be in an argument
// and a line break would split a command a reader copies by lines, so control characters
// (C0, DEL) are refused. For the commands deploy prints (openssl pkcs12, certbot).
std::string posix_shell(std::string_view s);

// The rest of a line comment (PowerShell's #, openssl's #): only a line break ends one, so
// every control character is refused (C0, DEL, C1, U+2028/U+2029).
std::string comment(std::string_view s);

// An X.500 distinguished-name attribute value in the string form Windows reads for
// New-ExchangeCertificate -SubjectName (CertStrToName, CERT_X500_NAME_STR): quoted with "..."
// when it is empty, has leading or trailing white space or one of , + = " \n < > # ; and a "
// inside doubled. Represents every input; the result still needs the script's own quoting.
std::string x500_value(std::string_view s);

// An openssl config value (config(5) of OpenSSL 3.0; conf_def.c): inside "..." nothing is
// special but a backslash, which makes the next character literal, so \ and " are escaped
// there; $ (variable expansion) and # (comment) are plain text inside quotes. A line cannot
// hold a line break and a C string no NUL, so control characters (C0, DEL) are refused.
std::string openssl_value(std::string_view s);

// A DNS zone-file <character-string> (RFC 1035 5.1): "..." with \" and \\, and \DDD (decimal)
// for every byte outside printable ASCII. Represents every input of at most 255 bytes
// (RFC 1035 3.3: a <character-string> is at most 255 octets); longer ones are refused.
std::string dns_text(std::string_view s);

// A CSV field (RFC 4180 2.5-2.7): "..." with "" for ", when it holds , " CR LF or starts or
// ends with a space. A value starting with = + - @ TAB CR (or ') gets a leading ', so a
// spreadsheet opening the file takes it as text, not as a formula (OWASP "CSV Injection":
// =HYPERLINK(...) or =cmd|... in a certificate's CN would run on the admin's desktop).
// A reader drops one leading '. Represents every input.
std::string csv_field(std::string_view s);

// A Markdown (GFM) pipe-table cell: ASCII punctuation that is inline markup or ends the
// cell (\ | ` * _ [ ] < > ~ &) is backslash-escaped (CommonMark 0.30, 2.4), control
// characters become numeric character references (&#N;, 2.5) so a line break cannot end the
// row. Represents every input (a renderer shows U+FFFD for &#0;).
std::string markdown_cell(std::string_view s);

// An iCalendar TEXT value (RFC 5545 3.3.11): \\ \; \, and \n for a line feed. TEXT cannot
// hold other control characters (TSAFE-CHAR), so they become U+FFFD: these values come from
// certificates, and one odd CN must not cost the whole calendar.
std::string ics_text(std::string_view s);
// A content line folded at 75 octets (RFC 5545 3.1): CRLF and a space, never inside a UTF-8
// sequence. `line` has no CRLF of its own; the result ends with CRLF.
std::string ics_fold(std::string_view line);

// A Prometheus label value (text exposition format 0.0.4): "..." with \\, \" and \n.
// Represents every input.
std::string prometheus_label(std::string_view s);

// Nagios plugin output (Monitoring Plugins Development Guidelines, "Plugin Output" and
// "Performance data"): the first '|' of a line starts the performance data and a line break
// ends the status line, so plugin text replaces '|' with '/' and each control character
// (C0, DEL, C1, U+2028/U+2029) with a space. Replaces; never refuses.
std::string nagios_text(std::string_view s);
// A performance-data label, always in single quotes: "the label can contain any characters
// except the equals sign or single quote"; "to specify a quote character, use two single
// quotes". So ' is doubled, '=' becomes '_', and '|' and control characters become '_' as
// in nagios_text. Replaces; never refuses.
std::string nagios_label(std::string_view s);

// A TOML basic string (TOML 1.0 "Basic strings"): "..." with \" \\ \b \t \n \f \r and \uXXXX
// for the other control characters the spec says must be escaped (U+0000-U+001F, U+007F).
// Represents every input.
std::string toml_basic(std::string_view s);

// ---- templates ---------------------------------------------------------------------------
//
// Templates (templates/exchange, templates/tenant, templates/csr) name each placeholder's
// language: {{ps:name}}, {{int:port}}, ... Languages:
//   ps               powershell() of a string, powershell_list() of a list
//   sh               posix_shell() of a string; of a list each element, joined by spaces
//   int              digits only (refused otherwise), written as they are
//   comment          comment() of a string, a list joined with ", "
//   openssl-section  lines "KEY = openssl_value(VALUE)" from (KEY, VALUE) pairs; KEY is
//                    [A-Za-z0-9_.]+ (refused otherwise)
// A placeholder without a known language, or naming no value, is a bug in the template and
// an Error of kind internal: no template can splice an unquoted value.
using Pairs = std::vector<std::pair<std::string, std::string>>;
using Value = std::variant<std::string, std::vector<std::string>, Pairs>;
using Values = std::map<std::string, Value, std::less<>>;

// Expands `text`; `name` is for messages.
std::string expand(std::string_view name, std::string_view text, const Values& values);
// Expands the embedded template at `path` (e.g. "templates/exchange/request.ps1").
std::string expand_template(std::string_view path, const Values& values);

} // namespace certplan::quote
