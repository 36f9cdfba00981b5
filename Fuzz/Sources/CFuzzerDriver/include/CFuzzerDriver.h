#ifndef SLUICE_CFUZZERDRIVER_H
#define SLUICE_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's documented entry point for programs that own main(). SwiftPM links each
// executable with `main` defined as `<Module>_main`, so the harnesses define that symbol and
// hand control to libFuzzer here (its own main() is never used).
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
