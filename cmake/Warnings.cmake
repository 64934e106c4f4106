add_library(distill_warnings INTERFACE)
target_compile_options(distill_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local)
