# deb and rpm packages with CPack: `cpack` in the build directory, or
# scripts/check-packages.sh BUILD_DIR, which also checks them (contents,
# lintian, and an install test on throwaway machines).
#
# What Debian's policy asks and CPack does not do by itself is done here: the
# man page and changelog compressed with gzip -9n, the copyright file, the
# completion scripts (written at build time by the binary just built), a
# stripped binary, and the state directory made 0700 by the maintainer script.
set(PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(PACKAGING_OUT ${PROJECT_BINARY_DIR}/packaging)
set(DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/refreshctl)
find_program(GZIP_PROGRAM gzip REQUIRED)

# Each generated file is a program's output, written by run_to_file.cmake.
function(refreshctl_generated output depends program args)
  add_custom_command(
    OUTPUT ${PACKAGING_OUT}/${output}
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=${program} "-DARGS=${args}" -DOUTPUT=${PACKAGING_OUT}/${output}
            -P ${PACKAGING_DIR}/run_to_file.cmake
    DEPENDS ${depends} ${PACKAGING_DIR}/run_to_file.cmake
    COMMENT "Writing ${output}"
    VERBATIM)
endfunction()
file(MAKE_DIRECTORY ${PACKAGING_OUT})
foreach(shell bash zsh fish)
  refreshctl_generated(completion.${shell} refreshctl $<TARGET_FILE:refreshctl> "completion ${shell}")
endforeach()
refreshctl_generated(refreshctl.1.gz ${PROJECT_SOURCE_DIR}/man/refreshctl.1 ${GZIP_PROGRAM}
                     "-9nc ${PROJECT_SOURCE_DIR}/man/refreshctl.1")
refreshctl_generated(changelog.gz ${PACKAGING_DIR}/changelog ${GZIP_PROGRAM}
                     "-9nc ${PACKAGING_DIR}/changelog")
add_custom_target(refreshctl-package-files ALL
  DEPENDS ${PACKAGING_OUT}/completion.bash ${PACKAGING_OUT}/completion.zsh
          ${PACKAGING_OUT}/completion.fish ${PACKAGING_OUT}/refreshctl.1.gz
          ${PACKAGING_OUT}/changelog.gz)

install(TARGETS refreshctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# A stripped install (cpack, cmake --install --strip) also drops the sections
# Debian's dh_strip drops: the compilers' .comment and .note.
install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND ${CMAKE_STRIP} --remove-section=.comment --remove-section=.note
                  \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/refreshctl\"
                  COMMAND_ERROR_IS_FATAL ANY)
endif()")
install(FILES ${PACKAGING_OUT}/refreshctl.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PACKAGING_OUT}/completion.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME refreshctl)
install(FILES ${PACKAGING_OUT}/completion.zsh
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions RENAME _refreshctl)
install(FILES ${PACKAGING_OUT}/completion.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d RENAME refreshctl.fish)
install(FILES ${PACKAGING_DIR}/copyright ${PACKAGING_OUT}/changelog.gz DESTINATION ${DOC_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/examples/cron/refreshctl.cron DESTINATION ${DOC_DIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/examples/systemd/refreshctl.service
              ${PROJECT_SOURCE_DIR}/examples/systemd/refreshctl.timer
        DESTINATION lib/systemd/system)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/targets ${PROJECT_SOURCE_DIR}/examples/kubernetes
        DESTINATION ${DOC_DIR}/examples)

set(CPACK_PACKAGE_NAME refreshctl)
set(CPACK_PACKAGE_VENDOR "The refreshctl Authors")
set(CPACK_PACKAGE_CONTACT "refreshctl maintainers <maintainers@refreshctl.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION_FILE ${PACKAGING_DIR}/description.txt)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR "DEB;RPM")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The packaged binary is stripped and its symbols are not shipped: CPack's
# dbgsym .ddeb is malformed (its md5sums name build paths; lintian: errors)
# and its rpm debuginfo needs find-debuginfo, which Debian does not package.
# The unstripped binary stays in the RelWithDebInfo build directory.
set(CPACK_STRIP_FILES ON)
# Per generator settings (the rpm's LICENSE): packaging/cpack_options.cmake.
set(CPACK_PROJECT_CONFIG_FILE ${PACKAGING_DIR}/cpack_options.cmake)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PACKAGING_DIR}/postinst ${PACKAGING_DIR}/postrm)

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "Apache-2.0")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${PACKAGING_DIR}/postinst)
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /lib/systemd /lib/systemd/system /usr/share/bash-completion
    /usr/share/bash-completion/completions /usr/share/zsh /usr/share/zsh/vendor-completions
    /usr/share/fish /usr/share/fish/vendor_completions.d /usr/share/licenses)
set(CPACK_RPM_USER_FILELIST "%license /usr/share/licenses/refreshctl/LICENSE")
include(CPack)
