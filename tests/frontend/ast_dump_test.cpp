// The BuildKit dump format: Go %q quoting, flags, ONBUILD nesting, unknown
// keywords, and the JSON form of the tree.

#include "frontend/ast_json.hpp"
#include "parse_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace distill::frontend::test {
namespace {

TEST(AstDump, GoQuoting) {
  Parsed p = parse_text("FROM a\nLABEL v=\"\xe2\x99\xa5 \xc2\xa0\t\x01\x7f\xef\xbb\xbf\\\\\"\n");
  EXPECT_EQ(dump(p.document.instructions.at(1)),
            "label \"v\" \"\\\"\xe2\x99\xa5 \\u00a0\\t\\x01\\x7f\\ufeff\\\\\\\\\\\"\" \"=\"");
}

TEST(AstDump, FlagsOnbuildAndUnknown) {
  Parsed p = parse_text("FROM --platform=$BUILDPLATFORM a AS b\nONBUILD COPY --from=b --link x y\nFROBNICATE x y\n"
                        "ONBUILD\nCMD []\nHEALTHCHECK\n");
  EXPECT_EQ(dump(p.document), "(from [\"--platform=$BUILDPLATFORM\"] \"a\" \"AS\" \"b\")\n"
                              "(onbuild (copy [\"--from=b\" \"--link\"] \"x\" \"y\"))\n"
                              "(frobnicate \"\")\n"
                              "(onbuild)\n"
                              "(cmd)\n"
                              "(healthcheck)");
}

TEST(AstDump, FlagBytesAreReadAsLatin1LikeBuildKit) {
  // BuildKit's flag splitter works on bytes and re-encodes each as a rune.
  Parsed p = parse_text("FROM a\nCOPY --chown=\xc3\xa9 a b\n");
  EXPECT_EQ(p.document.instructions.at(1).flags.at(0).text, "--chown=\xc3\x83\xc2\xa9");
}

TEST(AstDump, UnicodeKeywordLowerCase) {
  Parsed p = parse_text("FROM a\n\xc3\x84RG x\n");
  EXPECT_EQ(dump(p.document.instructions.at(1)), "\xc3\xa4rg \"\"");
}

TEST(AstJson, RangesAndFields) {
  Parsed p = parse_text("# syntax=docker/dockerfile:1\nFROM a\nRUN --network=none <<EOF\nhi\nEOF\n");
  const auto json = nlohmann::json::parse(ast_to_json(p.document));
  EXPECT_EQ(json["file"], "Dockerfile");
  EXPECT_EQ(json["escape"], "\\");
  EXPECT_EQ(json["directives"][0]["name"], "syntax");
  const auto& run = json["instructions"][1];
  EXPECT_EQ(run["command"], "run");
  EXPECT_EQ(run["flags"][0]["name"], "network");
  EXPECT_EQ(run["flags"][0]["value"], "none");
  EXPECT_EQ(run["flags"][0]["range"]["start"]["column"], 5);
  EXPECT_EQ(run["args"][0]["value"], "<<EOF");
  EXPECT_EQ(run["heredocs"][0]["content"], "hi\n");
  EXPECT_EQ(run["heredocs"][0]["fd"], -1);
  EXPECT_EQ(run["range"]["start"]["line"], 3);
  EXPECT_EQ(run["range"]["end"]["line"], 5);
  EXPECT_EQ(run["heredocs"][0]["body_range"]["start"]["line"], 4);
}

} // namespace
} // namespace distill::frontend::test
