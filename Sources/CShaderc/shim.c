#include "CShaderc.h"

unsigned int sluice_shaderc_version(void) {
    unsigned int version = 0, revision = 0;
    shaderc_get_spv_version(&version, &revision);
    return version * 1000u + revision;
}
