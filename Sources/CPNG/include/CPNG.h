#ifndef SLUICE_CPNG_H
#define SLUICE_CPNG_H
// A thin shim over libpng 1.6: libpng reports errors with longjmp, which must never cross Swift
// frames, so every libpng call happens inside these functions, below their setjmp.
#include <stddef.h>
#include <stdint.h>

/// Why a call failed; SLUICE_PNG_OK on success.
typedef enum {
    SLUICE_PNG_OK = 0,
    SLUICE_PNG_TRUNCATED = 1,        // the data ends before the image is complete
    SLUICE_PNG_CORRUPT = 2,          // libpng error or warning (bad CRC, bad zlib data, ...)
    SLUICE_PNG_TOO_LARGE = 3,        // width * height above max_pixels
    SLUICE_PNG_BUFFER_TOO_SMALL = 4, // the caller's buffer cannot hold width * height * 3 bytes
    SLUICE_PNG_OUT_OF_MEMORY = 5,
} sluice_png_status;

typedef struct {
    uint64_t max_pixels;           // width * height above this is refused before any pixel buffer exists
    uint32_t max_chunk_bytes;      // largest ancillary chunk libpng may allocate (png_set_chunk_malloc_max)
    uint32_t max_ancillary_chunks; // png_set_chunk_cache_max: bounds the number of stored ancillary chunks
} sluice_png_limits;

/// The header as stored in the file.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint8_t bit_depth;  // 1, 2, 4, 8 or 16
    uint8_t color_type; // PNG_COLOR_TYPE_*: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
    uint8_t interlaced; // 1 for Adam7
    uint8_t has_transparency_chunk; // tRNS present
} sluice_png_info;

/// Reads the header only. `message` (may be NULL) receives a NUL-terminated reason on failure.
/// On SLUICE_PNG_TOO_LARGE `info` still holds the header's dimensions.
sluice_png_status sluice_png_probe(const uint8_t *data, size_t length, const sluice_png_limits *limits,
                                   sluice_png_info *info, char *message, size_t message_capacity);

/// Decodes to 8-bit RGB, rows top to bottom, `width * 3` bytes each, written straight into `pixels`
/// (at least width * height * 3 bytes). Grey is replicated, palettes expanded, 16-bit samples
/// scaled with rounding, alpha (and tRNS) dropped, Adam7 interlacing undone. Gamma is not applied.
sluice_png_status sluice_png_decode_rgb8(const uint8_t *data, size_t length, const sluice_png_limits *limits,
                                         uint8_t *pixels, size_t pixels_capacity, sluice_png_info *info,
                                         char *message, size_t message_capacity);
#endif
