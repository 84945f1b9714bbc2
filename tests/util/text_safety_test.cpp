// UTF-8 repair, terminal escaping, encodings and URL origins: the helpers
// that keep hostile text from reaching the wire, the terminal or JSON.
#include <gtest/gtest.h>

#include "util/encode.h"
#include "util/text.h"
#include "util/time.h"
#include "util/url.h"
#include "util/utf8.h"

namespace refreshctl {
namespace {

TEST(Utf8, InvalidBytesBecomeOneReplacementCharacterEach) {
  EXPECT_EQ(sanitize_utf8("ok \xff\xfe end"), "ok \xEF\xBF\xBD end");
  EXPECT_EQ(sanitize_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(sanitize_utf8("\xc3"), "\xEF\xBF\xBD") << "a character cut in half";
  EXPECT_EQ(sanitize_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD") << "a surrogate is not UTF-8";
  EXPECT_EQ(sanitize_utf8("\xc0\xaf"), "\xEF\xBF\xBD") << "an overlong slash";
  EXPECT_TRUE(is_valid_utf8(sanitize_utf8(std::string("a\0\x80\xf4\x90\x80\x80z", 8))));
}

TEST(Utf8, CuttingNeverSplitsACharacter) {
  std::string text = std::string(199, 'a') + "\xe2\x82\xac";  // a euro sign at bytes 199-201
  std::string cut = cut_utf8(text, 200);
  EXPECT_EQ(cut, std::string(199, 'a') + "…");
  EXPECT_TRUE(is_valid_utf8(cut));
  EXPECT_EQ(cut_utf8("short", 200), "short");
}

TEST(TerminalEscape, ControlCharactersAndEscapeSequencesBecomeVisible) {
  EXPECT_EQ(escape_for_terminal("v1\r\nfake line"), "v1\\r\\nfake line");
  EXPECT_EQ(escape_for_terminal("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(escape_for_terminal("a\\nb"), "a\\\\nb") << "a backslash cannot forge an escape";
  EXPECT_EQ(escape_for_terminal("\xc2\x9b"
                                "31m"),
            "\\u009b31m")
      << "C1 CSI";
  EXPECT_EQ(escape_for_terminal("abc\xe2\x80\xae"
                                "cba"),
            "abc\\u202ecba")
      << "bidi override";
  EXPECT_EQ(escape_for_terminal("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(escape_for_terminal("2026-11 caf\xc3\xa9"), "2026-11 caf\xc3\xa9");
}

TEST(Encode, PercentEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("a&reject=1#frag"), "a%26reject%3D1%23frag");
  EXPECT_EQ(percent_encode("../../etc/passwd"), "..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(percent_encode("a b+c", ""), "a%20b%2Bc");
  EXPECT_EQ(percent_encode("x:y@z", ":@"), "x:y@z");
}

TEST(Encode, JsonEscapingCoversQuotesBackslashesAndControls) {
  EXPECT_EQ(json_escape(R"(x", "admin": true, "y": ")"), R"(x\", \"admin\": true, \"y\": \")");
  EXPECT_EQ(json_escape("a\\b\n\x01"), "a\\\\b\\n\\u0001");
}

TEST(Encode, Base64MatchesRfc4648) {
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_encode("\xfb\xff", true), "-_8=");
}

TEST(Encode, JsonScalarLiteralsAreNumbersAndKeywordsOnly) {
  for (const char* ok : {"0", "-12", "3.5", "1e9", "true", "false", "null"})
    EXPECT_TRUE(is_json_scalar_literal(ok)) << ok;
  for (const char* bad : {"", "01", "1,2", "true}", "x", "1 ,\"a\":1", "NaN"})
    EXPECT_FALSE(is_json_scalar_literal(bad)) << bad;
}

TEST(UrlOrigin, ReadsSchemeHostAndPortWithDefaults) {
  auto o = url_origin("HTTP://Example.COM/x?y");
  ASSERT_TRUE(o);
  EXPECT_EQ(to_string(*o), "http://example.com:80");
  EXPECT_EQ(to_string(*url_origin("https://[::1]:8443/")), "https://[::1]:8443");
  EXPECT_TRUE(url_origin("http://u:p@host/")->has_userinfo);
  EXPECT_EQ(url_origin("http://127.0.0.1:9@evil.example/")->host, "evil.example");
  EXPECT_FALSE(url_origin("file:///etc/passwd"));
  EXPECT_FALSE(url_origin("http://evil.example\\@good.example/")) << "read two ways";
  EXPECT_FALSE(url_origin("http://host:99999/"));
}

TEST(RedirectAddress, LinkLocalAndMetadataAddressesAreForbidden) {
  for (const char* bad :
       {"169.254.169.254", "169.254.0.1", "fe80::1", "[fe80::1%25eth0]", "FE80::abcd",
        "fd00:ec2::254", "::ffff:169.254.169.254", "100.100.100.200", "168.63.129.16",
        "metadata.google.internal", "metadata.google.internal.", "0.0.0.0", "::"}) {
    EXPECT_TRUE(is_forbidden_redirect_host(bad)) << bad;
  }
  for (const char* ok : {"127.0.0.1", "::1", "10.0.0.1", "example.com", "169.255.0.1", "fec0::1"})
    EXPECT_FALSE(is_forbidden_redirect_host(ok)) << ok;
}

TEST(HttpDate, ReadsImfFixdateOnly) {
  auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "1994-11-06T08:49:37Z");
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("120"));
}

}  // namespace
}  // namespace refreshctl
