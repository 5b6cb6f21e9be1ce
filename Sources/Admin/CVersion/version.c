#include "CVersion.h"

// #embed (C23; clang, which SwiftPM compiles C targets with, has it as an
// extension) puts the file's bytes here at compile time, and clang records
// the file as an input, so editing VERSION rebuilds this.
#pragma clang diagnostic ignored "-Wc23-extensions"
static const char version[] = {
#embed "../../../VERSION"
    , 0
};

const char *nj_version_file(void) { return version; }
