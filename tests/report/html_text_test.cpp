// Escaping what the database and services wrote, for the report page.
#include "report/html_text.h"

#include <gtest/gtest.h>

namespace refreshctl::report {
namespace {

TEST(HtmlText, MarkupAndQuotesBecomeCharacterReferences) {
  EXPECT_EQ(html_escape(R"(<script>alert("x&y")</script>'s)"),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;s");
}

TEST(HtmlText, ControlCharactersAreShownAsEscapesButTabsAndNewlinesStay) {
  EXPECT_EQ(html_escape(std::string("a\0b\x01\x1b[31mc\x7f", 11)), "a\\x00b\\x01\\x1b[31mc\\x7f");
  EXPECT_EQ(html_escape("line 1\r\nline\t2"), "line 1\\r\nline\t2");
  EXPECT_EQ(html_escape("\xC2\x85next\xC2\x9B"), "\\u0085next\\u009b");  // C1 controls
}

TEST(HtmlText, ValidUtf8PassesThrough) {
  EXPECT_EQ(html_escape("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x93\x88"),
            "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x93\x88");
}

TEST(HtmlText, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(html_escape("a\xFF"
                        "b"),
            "a" + fffd + "b");                                            // never valid
  EXPECT_EQ(html_escape("\x80"), fffd);                                   // lone continuation
  EXPECT_EQ(html_escape("\xC0\xBC"), fffd + fffd);                        // overlong '<'
  EXPECT_EQ(html_escape("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
  EXPECT_EQ(html_escape("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // past U+10FFFF
  EXPECT_EQ(html_escape("ab\xE4\xB8"), "ab" + fffd + fffd);               // cut short
  EXPECT_EQ(html_escape("\xEF\xBF\xBE"), fffd);                           // noncharacter U+FFFE
}

TEST(HtmlText, ShortenCutsWholeCodePointsAndMarksTheCut) {
  EXPECT_EQ(shorten("short", 5), "short");
  EXPECT_EQ(shorten("longer text", 5), "long\xE2\x80\xA6");
  EXPECT_EQ(shorten("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
}

}  // namespace
}  // namespace refreshctl::report
