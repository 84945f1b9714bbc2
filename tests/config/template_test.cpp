#include "config/template.h"

#include <gtest/gtest.h>

namespace refreshctl {
namespace {

ReferenceResolver fake_resolver() {
  return {[](const std::string& name) -> Result<std::string> {
            if (name == "TOKEN") return std::string("s3cret");
            return make_error("${env:" + name + "} is not set");
          },
          [](const std::string& path) -> Result<std::string> { return "file:" + path; }};
}

TEST(Template, FillsPlaceholdersAndReferences) {
  TemplateVars vars{{"version", "2026-11"}, {"data_type", "sales"}};
  auto out =
      render_template("{{data_type}}/{{ version }} ${env:TOKEN} ${file:/k}", vars, fake_resolver());
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(*out, "sales/2026-11 s3cret file:/k");
}

TEST(Template, AnUnsetVariableIsNamedButNoValueIsShown) {
  auto out = render_template("Bearer ${env:MISSING}", {}, fake_resolver());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error(), "${env:MISSING} is not set");
}

TEST(Template, CheckRejectsUnknownPlaceholdersAndBadReferences) {
  EXPECT_TRUE(check_template("{{version}} {{job_id}}", true).ok());
  EXPECT_FALSE(check_template("{{job_id}}", false).ok());
  auto typo = check_template("{{verison}}", false);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().find("did you mean \"version\""), std::string::npos) << typo.error();
  EXPECT_FALSE(check_template("${vault:x}", false).ok());
  EXPECT_FALSE(check_template("${env:}", false).ok());
  EXPECT_FALSE(check_template("{{version", false).ok());
  EXPECT_TRUE(check_template(R"({"type": "x"})", false).ok());
}

}  // namespace
}  // namespace refreshctl
