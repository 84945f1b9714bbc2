// Each value is encoded for where it stands (docs/templates.md): the
// examples of hostile versions and job ids from the hardening issue.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/template.h"
#include "support/temp_dir.h"

namespace refreshctl {
namespace {

ReferenceResolver resolver() {
  return {[](const std::string& name) -> Result<std::string> {
            if (name == "BASE") return std::string("http://127.0.0.1:8080");
            if (name == "EMPTY") return std::string();
            if (name == "TOKEN") return std::string("t0k/en+=");
            return make_error("${env:" + name + "} is not set");
          },
          [](const std::string& path) -> Result<std::string> { return "file:" + path; }};
}

TemplateVars vars(const std::string& version, const std::string& job_id = "j-1") {
  return {{"version", version}, {"data_type", "sales"}, {"job_id", job_id}};
}

TEST(TemplateEncoding, AVersionInTheQueryCannotAddParametersOrAFragment) {
  auto url = render_url("http://h/api/refresh?version={{version}}&type=x", vars("a&reject=1#frag"),
                        resolver(), false);
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->url, "http://h/api/refresh?version=a%26reject%3D1%23frag&type=x");
}

TEST(TemplateEncoding, AVersionInThePathCannotClimbIt) {
  auto url =
      render_url("http://h/data/{{version}}/refresh", vars("../../etc/passwd"), resolver(), false);
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->url, "http://h/data/..%2F..%2Fetc%2Fpasswd/refresh");
  EXPECT_EQ(render_url("http://h/data/{{version}}", vars(".."), resolver(), false)->url,
            "http://h/data/%2E%2E");
}

TEST(TemplateEncoding, AVersionInAJsonStringCannotAddFields) {
  std::string body = R"({"type": "{{data_type}}", "version": "{{version}}"})";
  ASSERT_EQ(body_kind(body, {}), BodyKind::kJson);
  auto out = render_body(body, BodyKind::kJson, vars(R"(x", "admin": true, "y": ")"), resolver());
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(*out, R"({"type": "sales", "version": "x\", \"admin\": true, \"y\": \""})");
}

TEST(TemplateEncoding, AValueOutsideAJsonStringMustBeAJsonNumberOrKeyword) {
  std::string body = R"({"attempt": {{attempt}}, "v": {{version}}})";
  ASSERT_EQ(body_kind(body, {}), BodyKind::kJson);
  TemplateVars v = vars("2026-11");
  v["attempt"] = "2";
  auto out = render_body(body, BodyKind::kJson, v, resolver());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().find("{{version}} stands outside a JSON string"), std::string::npos);
  v["version"] = "42";
  EXPECT_EQ(*render_body(body, BodyKind::kJson, v, resolver()), R"({"attempt": 2, "v": 42})");
}

TEST(TemplateEncoding, AFormBodyIsPercentEncodedAndTextGoesAsItIs) {
  HeaderList form{{"Content-Type", "application/x-www-form-urlencoded"}};
  std::string body = "type={{data_type}}&version={{version}}";
  ASSERT_EQ(body_kind(body, form), BodyKind::kForm);
  EXPECT_EQ(*render_body(body, BodyKind::kForm, vars("a&b=c"), resolver()),
            "type=sales&version=a%26b%3Dc");
  ASSERT_EQ(body_kind("refresh {{version}}", {}), BodyKind::kText);
  EXPECT_EQ(*render_body("refresh {{version}}", BodyKind::kText, vars("a\"b"), resolver()),
            "refresh a\"b");
}

TEST(TemplateEncoding, AJobIdThatIsThePathAfterAnOriginGoesInAsItIs) {
  auto url =
      render_url("${env:BASE}{{job_id}}", vars("v", "/api/status/j-1?x=1"), resolver(), true);
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->url, "http://127.0.0.1:8080/api/status/j-1?x=1");
  EXPECT_TRUE(url->verbatim) << "the caller checks the origin";
  auto absolute =
      render_url("${env:BASE}{{job_id}}", vars("v", "http://127.0.0.1:8080/s/1"), resolver(), true);
  EXPECT_EQ(absolute->url, "http://127.0.0.1:8080/s/1");
  EXPECT_TRUE(absolute->verbatim);
}

TEST(TemplateEncoding, AJobIdInThePathIsOneSegment) {
  auto url = render_url("http://h/api/status/{{job_id}}", vars("v", "../../capture?steal=1#"),
                        resolver(), true);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->url, "http://h/api/status/..%2F..%2Fcapture%3Fsteal%3D1%23");
  EXPECT_FALSE(url->verbatim);
}

TEST(TemplateEncoding, ThePlaceholdersOfARefreshUrlNeverMakeTheWholeUrl) {
  EXPECT_FALSE(render_url("{{version}}", vars("http://evil/"), resolver(), false).ok());
  EXPECT_FALSE(render_url("${env:BASE}{{version}}", vars("/x"), resolver(), false).ok());
  EXPECT_FALSE(render_url("http://{{version}}/x", vars("a/b@c"), resolver(), false).ok());
  EXPECT_EQ(render_url("http://{{version}}.example/x", vars("eu-1"), resolver(), false)->url,
            "http://eu-1.example/x");
}

TEST(TemplateEncoding, AHeaderValueWithCrOrLfIsRefusedAndNamesThePlaceholder) {
  auto smuggled = render_header(
      "v={{version}}",
      vars("x\r\nContent-Length: 0\r\n\r\nDELETE /admin HTTP/1.1\r\nHost: internal"), resolver());
  ASSERT_FALSE(smuggled.ok());
  EXPECT_NE(smuggled.error().find("{{version}} holds a control character"), std::string::npos)
      << smuggled.error();
  EXPECT_FALSE(render_header("{{version}}", vars(std::string("a\0b", 3)), resolver()).ok());
  EXPECT_EQ(*render_header("Bearer ${env:TOKEN}", {}, resolver()), "Bearer t0k/en+=");
}

TEST(TemplateEncoding, AnEmptyReferenceIsAnErrorNotAnEmptyCredential) {
  auto out = render_header("Bearer ${env:EMPTY}", {}, resolver());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error(), "${env:EMPTY} is empty (an empty credential is never sent)");
}

class FileReference : public ::testing::Test {
 protected:
  Result<std::string> read(const std::string& path) { return system_resolver().file(path); }
  testing::TempDir dir_;
};

TEST_F(FileReference, OneTrailingNewlineIsTrimmedAsCurlAndKubectlDo) {
  EXPECT_EQ(*read(dir_.write("token", "s3cret\n")), "s3cret");
  EXPECT_EQ(*read(dir_.write("crlf", "s3cret\r\n")), "s3cret");
  EXPECT_EQ(*read(dir_.write("two", "s3cret\n\n")), "s3cret\n") << "only one";
}

TEST_F(FileReference, ADirectoryAMissingFileAndAFileOver64KiBAreClearErrors) {
  auto directory = read(dir_.path().string());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error(), "${file:" + dir_.path().string() + "} is a directory, not a file");
  auto missing = read(dir_.file("absent"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot be read: No such file or directory"), std::string::npos);
  auto big = read(dir_.write("big", std::string(64 * 1024 + 1, 'x')));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().find("is larger than 64 KiB"), std::string::npos) << big.error();
  EXPECT_TRUE(read(dir_.write("max", std::string(64 * 1024, 'x'))).ok());
}

TEST_F(FileReference, ARelativePathNamesTheDirectoryItWasResolvedAgainst) {
  auto missing = read("no-such-token-file");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("(a relative path, resolved against " +
                                 std::filesystem::current_path().string() + ")"),
            std::string::npos)
      << missing.error();
}

TEST_F(FileReference, ASparseHugeFileIsRefusedWithoutReadingIt) {
  std::string path = dir_.file("huge");
  std::filesystem::resize_file(dir_.write("huge", ""), std::uintmax_t{1} << 30);  // 1 GiB, sparse
  auto huge = read(path);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().find("is larger than 64 KiB (1073741824 bytes)"), std::string::npos);
}

}  // namespace
}  // namespace refreshctl
