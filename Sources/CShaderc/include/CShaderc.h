#ifndef SLUICE_CSHADERC_H
#define SLUICE_CSHADERC_H
// shaderc's C API. Debian's libshaderc.so.1 has an unresolved symbol, so Package.swift links the
// static archives instead (shaderc_combined, glslang, ..., stdc++ in that order).
#include <shaderc/shaderc.h>

/// Version of the linked shaderc/glslang, folded into SPIR-V cache keys.
unsigned int sluice_shaderc_version(void);
#endif
