# Run by cpack while it stages the rpm (CPACK_INSTALL_SCRIPTS): LICENSE into
# /usr/share/licenses/refreshctl, marked %license by cpack_options.cmake.
# file(INSTALL) puts the staging directory ($ENV{DESTDIR}) in front.
file(INSTALL ${CPACK_RESOURCE_FILE_LICENSE}
     DESTINATION "${CPACK_PACKAGING_INSTALL_PREFIX}/share/licenses/refreshctl")
