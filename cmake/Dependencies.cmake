# Every dependency is a Debian package (scripts/install-deps).
find_package(antlr4-runtime REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
# Unicode character classes for BuildKit-exact variable names and quoting.
find_package(ICU REQUIRED COMPONENTS uc)
find_package(Boost REQUIRED COMPONENTS program_options)
# The lint config file (.distill.yaml / .hadolint.yaml); linked by cli/ only.
find_package(yaml-cpp REQUIRED)
find_package(CURL REQUIRED)
find_package(LibArchive REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
# ELF dynamic sections for the --minimal closure check.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBELF REQUIRED IMPORTED_TARGET libelf)
find_package(Threads REQUIRED)
find_program(ANTLR4_TOOL antlr4 REQUIRED)
