# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE). The rpm carries
# the LICENSE as %license, where rpm-based systems look for it; the deb has the
# Debian copyright file instead, which points to Debian's copy of the license
# (a second copy is what lintian calls an extra license file).
if(CPACK_GENERATOR STREQUAL "RPM")
  set(CPACK_INSTALL_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/rpm_license.cmake)
  set(CPACK_RPM_USER_FILELIST "%license /usr/share/licenses/refreshctl/LICENSE")
endif()
