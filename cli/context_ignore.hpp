#pragma once

// Connects the frontend's .dockerignore matcher to the backend's build
// context (which does not know the frontend).

#include "backend/build/build_context.hpp"
#include "support/error.hpp"

#include <filesystem>

namespace distill::cli {

// The ignore predicate of the build: <Dockerfile>.dockerignore, else
// <context>/.dockerignore, else nothing ignored. Fails on a bad ignore file.
support::Result<backend::build::IgnorePredicate> context_ignore(const std::filesystem::path& context,
                                                                const std::filesystem::path& dockerfile);

} // namespace distill::cli
