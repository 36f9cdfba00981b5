#ifndef SLUICE_CJPEG_H
#define SLUICE_CJPEG_H
// A thin shim over libjpeg-turbo's jpeglib API: libjpeg reports errors with longjmp, which must
// never cross Swift frames, so every libjpeg call happens inside these functions, below their setjmp.
// Rows are handed to a callback between libjpeg calls, never from inside one.
#include <stddef.h>
#include <stdint.h>

/// Why a call failed; SLUICE_JPEG_OK on success.
typedef enum {
    SLUICE_JPEG_OK = 0,
    SLUICE_JPEG_TRUNCATED = 1,      // the data ends before the image is complete
    SLUICE_JPEG_CORRUPT = 2,        // libjpeg error or warning
    SLUICE_JPEG_TOO_LARGE = 3,      // width * height above max_pixels
    SLUICE_JPEG_TOO_MANY_SCANS = 4, // more progressive scans than max_scans
    SLUICE_JPEG_UNSUPPORTED = 5,    // valid JPEG using a feature this build cannot decode (12-bit, ...)
    SLUICE_JPEG_OUT_OF_MEMORY = 6,
    SLUICE_JPEG_STOPPED = 7,        // the row callback asked to stop
} sluice_jpeg_status;

typedef struct {
    uint64_t max_pixels; // width * height (before scaling) above this is refused after the header
    uint32_t max_scans;  // progressive scans above this are refused (scan bombs)
} sluice_jpeg_limits;

typedef struct {
    uint32_t width;          // as stored in the file
    uint32_t height;
    uint32_t output_width;   // after DCT scaling (equal to width when probing)
    uint32_t output_height;
    uint8_t components;      // in the file: 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK
    uint8_t color_space;     // libjpeg's J_COLOR_SPACE of the file
    uint8_t output_channels; // 3 (RGB rows) or 4 (CMYK rows, converted by the caller)
    uint8_t adobe_inverted;  // an Adobe APP14 marker: CMYK samples are stored inverted
    uint8_t progressive;
} sluice_jpeg_info;

/// Receives output row `y`: `info->output_width * info->output_channels` bytes, valid only during
/// the call. Return 0 to go on.
typedef int (*sluice_jpeg_row_callback)(void *context, const uint8_t *row, uint32_t y, const sluice_jpeg_info *info);

/// Reads the header only. On SLUICE_JPEG_TOO_LARGE `info` still holds the header's dimensions.
sluice_jpeg_status sluice_jpeg_probe(const uint8_t *data, size_t length, const sluice_jpeg_limits *limits,
                                     sluice_jpeg_info *info, char *message, size_t message_capacity);

/// Decodes with DCT scaling 1/`scale_denominator` (1, 2, 4 or 8). Grey, YCbCr and RGB files come out
/// as RGB rows; CMYK and YCCK files as CMYK rows (libjpeg cannot convert them to RGB).
/// libjpeg warnings (corrupt data) are errors.
sluice_jpeg_status sluice_jpeg_decode(const uint8_t *data, size_t length, const sluice_jpeg_limits *limits,
                                      unsigned scale_denominator, sluice_jpeg_row_callback on_row, void *context,
                                      sluice_jpeg_info *info, char *message, size_t message_capacity);
#endif
