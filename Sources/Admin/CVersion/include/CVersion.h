#ifndef CVERSION_H
#define CVERSION_H

/// The repository's VERSION file as it was when netns-jail was built, with
/// its trailing newline; the one source of the version for both programs
/// and the package (the launcher's build script reads the same file).
const char *nj_version_file(void);

#endif
