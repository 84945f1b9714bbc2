# Runs PROGRAM with ARGS (a space-separated list) and writes what it prints to
# OUTPUT; fails the build if the program fails. For build steps whose result is
# a program's output: the completion scripts, the gzip'd man page.
#   cmake -DPROGRAM=... -DARGS="..." -DOUTPUT=... -P run_to_file.cmake
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args} OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "${PROGRAM} ${ARGS}: ${result}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
