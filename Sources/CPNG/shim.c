#include "CPNG.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

// State shared with libpng's callbacks. It lives in the caller of the function that calls setjmp,
// so its fields keep their values across the longjmp.
typedef struct {
    const uint8_t *data;
    size_t length;
    size_t offset;
    sluice_png_status status;
    char *message;
    size_t message_capacity;
} png_source;

static void record_failure(png_source *source, sluice_png_status status, const char *text) {
    if (source->status != SLUICE_PNG_OK) return; // keep the first, most specific reason
    source->status = status;
    if (source->message != NULL && source->message_capacity > 0) {
        snprintf(source->message, source->message_capacity, "%s", text);
    }
}

static void read_from_memory(png_structp png, png_bytep out, size_t count) {
    png_source *source = (png_source *)png_get_io_ptr(png);
    if (count > source->length - source->offset) {
        record_failure(source, SLUICE_PNG_TRUNCATED, "the data ends before the image is complete");
        png_error(png, "truncated");
    }
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static sluice_png_status classify(const char *text) {
    // libpng reports limit violations and allocation failures only as text.
    if (strstr(text, "user limit") != NULL) return SLUICE_PNG_TOO_LARGE;
    if (strstr(text, "ut of memory") != NULL) return SLUICE_PNG_OUT_OF_MEMORY;
    return SLUICE_PNG_CORRUPT;
}

static void on_error(png_structp png, png_const_charp text) {
    png_source *source = (png_source *)png_get_error_ptr(png);
    record_failure(source, classify(text), text);
    png_longjmp(png, 1);
}

// A libpng warning means damaged data (bad ancillary CRC, extra image data, ...): refuse the file
// rather than hand a model a silently repaired image.
static void on_warning(png_structp png, png_const_charp text) { on_error(png, text); }

static void apply_limits(png_structp png, const sluice_png_limits *limits) {
    uint64_t side = limits->max_pixels;
    if (side > PNG_UINT_31_MAX) side = PNG_UINT_31_MAX;
    if (side == 0) side = 1;
    png_set_user_limits(png, (png_uint_32)side, (png_uint_32)side);
    png_set_chunk_malloc_max(png, limits->max_chunk_bytes);
    png_set_chunk_cache_max(png, limits->max_ancillary_chunks);
    // Only IHDR, PLTE, tRNS, IDAT and IEND matter for pixels: every other chunk (text, ICC
    // profiles, gamma, ...) is skipped unread, which also keeps their parsers out of reach.
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
}

static void fill_info(png_structp png, png_infop header, sluice_png_info *info) {
    info->width = png_get_image_width(png, header);
    info->height = png_get_image_height(png, header);
    info->bit_depth = png_get_bit_depth(png, header);
    info->color_type = png_get_color_type(png, header);
    info->interlaced = png_get_interlace_type(png, header) == PNG_INTERLACE_ADAM7;
    info->has_transparency_chunk = png_get_valid(png, header, PNG_INFO_tRNS) != 0;
}

static void expand_to_rgb8(png_structp png, const sluice_png_info *info) {
    png_set_expand(png); // palette -> RGB, grey < 8 bits -> 8 bits, tRNS -> alpha channel
    png_set_scale_16(png);
    if (info->color_type == PNG_COLOR_TYPE_GRAY || info->color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
        png_set_gray_to_rgb(png);
    }
    // Alpha is dropped, not composited, as Pillow's convert("RGB") does: results then match the
    // Python reference pipelines that models are usually validated with.
    png_set_strip_alpha(png);
}

// Every libpng call below runs under this setjmp; `png` and `header` are not modified after it.
static void decode_under_jump(png_source *source, png_structp png, png_infop header,
                              const sluice_png_limits *limits, sluice_png_info *info,
                              uint8_t *pixels, size_t pixels_capacity) {
    if (setjmp(png_jmpbuf(png))) return;
    png_set_read_fn(png, source, read_from_memory);
    apply_limits(png, limits);
    png_read_info(png, header);
    fill_info(png, header, info);
    if ((uint64_t)info->width * (uint64_t)info->height > limits->max_pixels) {
        record_failure(source, SLUICE_PNG_TOO_LARGE, "width * height is above the pixel limit");
        return;
    }
    if (pixels == NULL) return; // probe only

    size_t row_bytes = (size_t)info->width * 3;
    if (row_bytes == 0) {
        record_failure(source, SLUICE_PNG_CORRUPT, "the header declares a zero width");
        return;
    }
    if ((uint64_t)info->height > (uint64_t)(pixels_capacity / row_bytes)) {
        record_failure(source, SLUICE_PNG_BUFFER_TOO_SMALL, "the destination buffer is smaller than width * height * 3");
        return;
    }
    expand_to_rgb8(png, info);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, header);
    if (png_get_rowbytes(png, header) != row_bytes) {
        record_failure(source, SLUICE_PNG_CORRUPT, "libpng did not produce 8-bit RGB rows");
        return;
    }
    // Row by row, straight into the destination: Adam7 passes fill each row in place.
    for (int pass = 0; pass < passes; pass++) {
        for (uint32_t y = 0; y < info->height; y++) {
            png_read_row(png, pixels + (size_t)y * row_bytes, NULL);
        }
    }
    png_read_end(png, NULL);
}

static sluice_png_status run(const uint8_t *data, size_t length, const sluice_png_limits *limits,
                             uint8_t *pixels, size_t pixels_capacity, sluice_png_info *info,
                             char *message, size_t message_capacity) {
    png_source source = {data, length, 0, SLUICE_PNG_OK, message, message_capacity};
    if (message != NULL && message_capacity > 0) message[0] = '\0';
    memset(info, 0, sizeof *info);

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    if (png == NULL) {
        record_failure(&source, SLUICE_PNG_OUT_OF_MEMORY, "libpng could not allocate its state");
        return source.status;
    }
    png_infop header = png_create_info_struct(png);
    if (header == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        record_failure(&source, SLUICE_PNG_OUT_OF_MEMORY, "libpng could not allocate its state");
        return source.status;
    }
    decode_under_jump(&source, png, header, limits, info, pixels, pixels_capacity);
    png_destroy_read_struct(&png, &header, NULL);
    return source.status;
}

sluice_png_status sluice_png_probe(const uint8_t *data, size_t length, const sluice_png_limits *limits,
                                   sluice_png_info *info, char *message, size_t message_capacity) {
    return run(data, length, limits, NULL, 0, info, message, message_capacity);
}

sluice_png_status sluice_png_decode_rgb8(const uint8_t *data, size_t length, const sluice_png_limits *limits,
                                         uint8_t *pixels, size_t pixels_capacity, sluice_png_info *info,
                                         char *message, size_t message_capacity) {
    if (pixels == NULL) {
        if (message != NULL && message_capacity > 0) snprintf(message, message_capacity, "no destination buffer");
        memset(info, 0, sizeof *info);
        return SLUICE_PNG_BUFFER_TOO_SMALL;
    }
    return run(data, length, limits, pixels, pixels_capacity, info, message, message_capacity);
}
