# vox_fuzz_target(NAME SOURCES a.cc ... [LIBS lib ...])
# A libFuzzer binary, built only with -DVOX_FUZZ=ON under clang (tests/fuzz/run_fuzz.sh
# makes that build and runs every target for a bounded time; CTest label "fuzz").
# SOURCES are compiled into the target itself, with coverage and ASan/UBSan: the code under
# test plus src/common/status.cc, never the vox_* libraries, which link C++ libraries
# (spdlog, boost) built against libstdc++. Clang before 19 cannot compile libstdc++ 12's
# <expected>, so such a toolchain builds against libc++ 16 (Debian: libc++-16-dev
# libc++abi-16-dev libclang-rt-16-dev); Debian's libFuzzer runtime itself is built against
# libstdc++, linked by file name because clang rewrites -lstdc++ to the selected -stdlib.
# LIBS are C libraries (their ABI does not depend on the C++ library).
option(VOX_FUZZ "Build libFuzzer targets (clang only)" OFF)

if(VOX_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES Clang)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -std=c++2b)
  check_cxx_source_compiles(
    "#include <expected>\nint main() { std::expected<int, int> e = 1; return *e - 1; }"
    VOX_FUZZ_STDLIB_HAS_EXPECTED)
  unset(CMAKE_REQUIRED_FLAGS)
endif()

# The flags every fuzz compile shares (sanitizers, coverage, the C++ library).
function(vox_fuzz_flags target)
  set(flags -fsanitize=fuzzer,address,undefined)
  if(NOT VOX_FUZZ_STDLIB_HAS_EXPECTED)
    list(APPEND flags -stdlib=libc++)
  endif()
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${flags})
endfunction()

# vox_fuzz_objects(NAME SOURCES a.cc ...): an OBJECT library compiled as fuzz targets are, for
# sources several targets share (a module's whole source list): compiled once, used as
# SOURCES $<TARGET_OBJECTS:NAME>.
function(vox_fuzz_objects name)
  if(NOT VOX_FUZZ OR NOT CMAKE_CXX_COMPILER_ID MATCHES Clang)
    return()
  endif()
  cmake_parse_arguments(F "" "" "SOURCES" ${ARGN})
  add_library(${name} OBJECT ${F_SOURCES})
  vox_fuzz_flags(${name})
endfunction()

function(vox_fuzz_target name)
  if(NOT VOX_FUZZ)
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES Clang)
    message(STATUS "VOX_FUZZ: ${CMAKE_CXX_COMPILER_ID} has no libFuzzer; skipping ${name}")
    return()
  endif()
  cmake_parse_arguments(F "" "" "SOURCES;LIBS" ${ARGN})
  set(flags -fsanitize=fuzzer,address,undefined)
  if(NOT VOX_FUZZ_STDLIB_HAS_EXPECTED)
    list(APPEND flags -stdlib=libc++)
  endif()
  add_executable(${name} ${F_SOURCES} ${PROJECT_SOURCE_DIR}/src/common/status.cc)
  vox_fuzz_flags(${name})
  target_link_options(${name} PRIVATE ${flags})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  if(NOT VOX_FUZZ_STDLIB_HAS_EXPECTED)
    target_link_libraries(${name} PRIVATE -l:libstdc++.so.6)
  endif()
endfunction()
