#include "planner/debian/relation.hpp"

#include "planner/debian/control.hpp"
#include "host_index.hpp"

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

TEST(Relation, ParsesAlternativesVersionsQualifiersRestrictions) {
  auto list = parse_relations("a (>= 1.0) | b:any, c [amd64 !i386] <stage1> <!nocheck cross>,\n d(<<2~)");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 3u);
  const Alternatives& first = (*list)[0];
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].name, "a");
  EXPECT_EQ(first[0].op, RelationOp::ge);
  EXPECT_EQ(first[0].version, "1.0");
  EXPECT_EQ(first[1].name, "b");
  EXPECT_EQ(first[1].arch_qualifier, "any");
  const Relation& c = (*list)[1][0];
  ASSERT_EQ(c.arches.size(), 2u);
  EXPECT_TRUE(c.arches[1].negated);
  EXPECT_EQ(c.arches[1].arch, "i386");
  ASSERT_EQ(c.profiles.size(), 2u);
  EXPECT_EQ(c.profiles[1].size(), 2u);
  EXPECT_TRUE(c.profiles[1][0].negated);
  EXPECT_EQ((*list)[2][0].op, RelationOp::lt);
  EXPECT_EQ((*list)[2][0].version, "2~");
  EXPECT_EQ(to_string(*list), "a (>= 1.0) | b:any, c [amd64 !i386] <stage1> <!nocheck cross>, d (<< 2~)");
}

TEST(Relation, OperatorsIncludingObsoleteSpellings) {
  struct Case {
    const char* text;
    RelationOp op;
  };
  const Case cases[] = {{"a (<< 1)", RelationOp::lt}, {"a (<= 1)", RelationOp::le}, {"a (= 1)", RelationOp::eq},
                        {"a (>= 1)", RelationOp::ge}, {"a (>> 1)", RelationOp::gt}, {"a (< 1)", RelationOp::le},
                        {"a (> 1)", RelationOp::ge},  {"a (>=1)", RelationOp::ge}};
  for (const Case& c : cases) {
    auto list = parse_relations(c.text);
    ASSERT_TRUE(list) << c.text;
    EXPECT_EQ((*list)[0][0].op, c.op) << c.text;
  }
}

TEST(Relation, EmptyAndTrailingComma) {
  auto empty = parse_relations("  ");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto trailing = parse_relations("a, b,\n");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->size(), 2u);
}

TEST(Relation, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"a (>= 1", "in 'a (>= 1': expected ')' after the version (at end of text)"},
      {"a (~ 1)", "in 'a (~ 1)': expected a relation operator (<<, <=, =, >=, >>) (at '~ 1)')"},
      {"a (>= )", "in 'a (>= )': expected a version after the operator (at ')')"},
      {"a b", "in 'a b': expected ',' or '|' between relations (at 'b')"},
      {"a, , b", "in 'a, , b': expected a package name (at ', b')"},
      {"a | ", "in 'a | ': expected a package name (at end of text)"},
      {"a [ ]", "in 'a [ ]': empty architecture list (at end of text)"},
      {"a <>", "in 'a <>': empty build profile group (at end of text)"},
      {"a:", "in 'a:': expected an architecture after ':' (at end of text)"},
  };
  for (const Case& c : cases) {
    auto list = parse_relations(c.text);
    ASSERT_FALSE(list) << c.text;
    EXPECT_EQ(list.error().message, c.message);
  }
}

TEST(Relation, VersionSatisfies) {
  EXPECT_TRUE(version_satisfies("1.0", RelationOp::none, ""));
  EXPECT_TRUE(version_satisfies("1.0~rc1", RelationOp::lt, "1.0"));
  EXPECT_FALSE(version_satisfies("1.0", RelationOp::lt, "1.0"));
  EXPECT_TRUE(version_satisfies("1.0", RelationOp::le, "1.0-0"));
  EXPECT_TRUE(version_satisfies("1:0.1", RelationOp::gt, "9.9"));
  EXPECT_TRUE(version_satisfies("2.0", RelationOp::ge, "2.0"));
  EXPECT_TRUE(version_satisfies("0:2.0", RelationOp::eq, "2.0"));
  EXPECT_FALSE(version_satisfies("2.0", RelationOp::gt, "2.0"));
}

TEST(Relation, ArchAndProfileRestrictions) {
  auto list = parse_relations("a [amd64], b [!amd64], c [linux-any], d [any-arm64], e <!nocheck>, "
                              "f <stage1 cross> <pkg.x>, g [i386] | h");
  ASSERT_TRUE(list) << list.error().message;
  std::set<std::string, std::less<>> none;
  std::set<std::string, std::less<>> stage1 = {"stage1", "cross"};
  EXPECT_TRUE(applies_to_arch((*list)[0][0], "amd64"));
  EXPECT_FALSE(applies_to_arch((*list)[0][0], "arm64"));
  EXPECT_FALSE(applies_to_arch((*list)[1][0], "amd64"));
  EXPECT_TRUE(applies_to_arch((*list)[1][0], "arm64"));
  EXPECT_TRUE(applies_to_arch((*list)[2][0], "armhf"));
  EXPECT_FALSE(applies_to_arch((*list)[2][0], "kfreebsd-amd64"));
  EXPECT_TRUE(applies_to_arch((*list)[3][0], "arm64"));
  EXPECT_FALSE(applies_to_arch((*list)[3][0], "amd64"));
  EXPECT_TRUE(applies_to_profiles((*list)[4][0], none));
  EXPECT_FALSE(applies_to_profiles((*list)[4][0], {"nocheck"}));
  EXPECT_FALSE(applies_to_profiles((*list)[5][0], none));
  EXPECT_TRUE(applies_to_profiles((*list)[5][0], stage1));
  EXPECT_TRUE(applies_to_profiles((*list)[5][0], {"pkg.x"}));

  RelationList reduced = reduce_relations(*list, "amd64", none);
  EXPECT_EQ(to_string(reduced), "a, c, e, h");
}

// Every relation field of the host's index parses, and printing then
// parsing again gives the same relations.
TEST(Relation, ParsesEveryFieldOfTheHostIndex) {
  auto lists = testing::host_package_lists();
  if (lists.empty()) {
    GTEST_SKIP() << "no Packages lists in " << testing::k_lists_dir;
  }
  const char* fields[] = {"Depends", "Pre-Depends", "Recommends", "Suggests", "Enhances",
                          "Conflicts", "Breaks",     "Replaces",   "Provides", "Built-Using"};
  std::size_t parsed = 0;
  for (const auto& path : lists) {
    auto text = testing::read_package_list(path);
    ASSERT_TRUE(text) << path;
    auto r = for_each_stanza(*text, [&](const Stanza& s) -> support::Result<void> {
      for (const char* name : fields) {
        std::string_view value = s.get(name);
        if (value.empty()) {
          continue;
        }
        auto list = parse_relations(value);
        if (!list) {
          return std::unexpected(list.error().context(std::string(s.get("Package"))));
        }
        std::string printed = to_string(*list);
        auto again = parse_relations(printed);
        if (!again || *again != *list) {
          return support::fail("{}: '{}' does not round-trip ('{}')", s.get("Package"), value, printed);
        }
        ++parsed;
      }
      return {};
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  EXPECT_GT(parsed, 10000u);
}

} // namespace
} // namespace distill::planner::debian
