# Every dependency is a Debian package (scripts/install-deps).
find_package(antlr4-runtime REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
# Unicode character classes for BuildKit-exact variable names and quoting.
find_package(ICU REQUIRED COMPONENTS uc)
find_package(Boost REQUIRED COMPONENTS program_options)
find_package(CURL REQUIRED)
find_package(LibArchive REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_program(ANTLR4_TOOL antlr4 REQUIRED)
