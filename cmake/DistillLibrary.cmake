# distill_library(NAME DIR [EXCLUDE subdir...]): a static library from every
# .cpp under DIR, so adding a file needs no CMake edit.
function(distill_library name dir)
  cmake_parse_arguments(ARG "" "" "EXCLUDE" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  foreach(sub ${ARG_EXCLUDE})
    list(FILTER sources EXCLUDE REGEX "^${dir}/${sub}/")
  endforeach()
  if(NOT sources)
    # A folder whose code has not landed yet still gives a linkable target.
    set(placeholder ${CMAKE_CURRENT_BINARY_DIR}/${name}_empty.cpp)
    file(WRITE ${placeholder} "// no sources yet\n")
    set(sources ${placeholder})
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${DISTILL_ROOT})
  target_link_libraries(${name} PRIVATE distill_warnings)
endfunction()

# distill_test(NAME DIR LIBS...): one GoogleTest executable from DIR/*_test.cpp.
function(distill_test name dir)
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main GTest::gmock distill_warnings)
  target_compile_definitions(${name} PRIVATE
    DISTILL_SOURCE_DIR="${DISTILL_ROOT}"
    DISTILL_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()
