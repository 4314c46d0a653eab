# Registers one ctest test per GoogleTest suite of the test binary (run after
# each build of it, `cmake -P`): `Suite` runs `lantern_tests
# --gtest_filter=Suite.*` in one process, so a suite's shared fixture (a
# generated region, a generated local authority, a server on a store) is
# made once for its tests rather than once per test, as registering each
# test on its own (gtest_discover_tests) would.
#
# Inputs (-D): TEST_EXECUTABLE, WORKING_DIR, CTEST_FILE, TIMEOUT, and
# FILTER: a GoogleTest negative filter ("A.*:B.C*"), tests left out of every
# suite (the sanitizer build's; empty for none). A suite left with no test is
# not registered.

set(negative "")
if(FILTER)
  set(negative "-${FILTER}")
endif()
execute_process(
  COMMAND "${TEST_EXECUTABLE}" --gtest_list_tests "--gtest_filter=*${negative}"
  WORKING_DIRECTORY "${WORKING_DIR}"
  OUTPUT_VARIABLE listing
  RESULT_VARIABLE rc
  TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed (${rc}):\n${listing}")
endif()

# A suite is a line that does not start with a space, "Suite." (a typed or
# parameterised one is followed by "  # TypeParam = ..."); its tests follow,
# indented. Only suites with at least one test are kept.
set(content "# Written by tests/add_test_suites.cmake; do not edit.\n")
set(suite "")
string(REPLACE "\n" ";" lines "${listing}")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #][^ ]*)\\.( |$)")
    set(suite "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^  [^ ]" AND NOT suite STREQUAL "")
    string(APPEND content
      "add_test([==[${suite}]==] [==[${TEST_EXECUTABLE}]==] [==[--gtest_filter=${suite}.*${negative}]==])\n"
      "set_tests_properties([==[${suite}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIR}]==]"
      " TIMEOUT ${TIMEOUT})\n")
    set(suite "")
  endif()
endforeach()
file(WRITE "${CTEST_FILE}" "${content}")
