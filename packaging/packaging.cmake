# deb and rpm packages with CPack: `cmake --build build --target package`.
install(FILES ${PROJECT_SOURCE_DIR}/examples/cron/refreshctl.cron
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/refreshctl/examples)
install(FILES ${PROJECT_SOURCE_DIR}/examples/systemd/refreshctl.service
              ${PROJECT_SOURCE_DIR}/examples/systemd/refreshctl.timer
        DESTINATION lib/systemd/system)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/targets ${PROJECT_SOURCE_DIR}/examples/kubernetes
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/refreshctl/examples)

set(CPACK_PACKAGE_NAME refreshctl)
set(CPACK_PACKAGE_VENDOR "refreshctl")
set(CPACK_PACKAGE_CONTACT "refreshctl maintainers <refreshctl@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR "DEB;RPM")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/postinst)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/postinst)
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /lib/systemd /lib/systemd/system)
include(CPack)
