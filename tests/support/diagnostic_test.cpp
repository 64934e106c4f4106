#include "support/diagnostic.hpp"

#include <gtest/gtest.h>

namespace distill::support {
namespace {

TEST(Diagnostic, RendersLocationLineAndCaret) {
  SourceFile file{"Dockerfile", "FROM debian\nRUNN apt-get update\n"};
  Diagnostic d{Severity::error, "", {{2, 1, 12}, {2, 5, 16}}, "unknown instruction: RUNN (did you mean RUN?)", ""};
  EXPECT_EQ(render(d, file),
            "Dockerfile:2:1: error: unknown instruction: RUNN (did you mean RUN?)\n"
            "    2 | RUNN apt-get update\n"
            "      | ^~~~\n");
}

TEST(Diagnostic, SinkCountsOnlyErrors) {
  DiagnosticSink sink;
  sink.report({Severity::warning, "w", {}, "careful", ""});
  EXPECT_FALSE(sink.has_errors());
  sink.report({Severity::error, "e", {}, "broken", ""});
  EXPECT_EQ(sink.error_count(), 1);
  EXPECT_EQ(sink.diagnostics().size(), 2u);
}

TEST(SourceFile, LineStripsCarriageReturn) {
  SourceFile file{"f", "a\r\nb\n"};
  EXPECT_EQ(file.line(1), "a");
  EXPECT_EQ(file.line(2), "b");
  EXPECT_EQ(file.line(3), "");
}

} // namespace
} // namespace distill::support
